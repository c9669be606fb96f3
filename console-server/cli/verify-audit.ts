import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainCheck } from '../audit/audit-chain';
import { createAuditRepository } from '../audit/audit-repository';
import { UsageError } from '../config';
import { DATABASE_FILE, openDatabase } from '../db/database';

/**
 * `verify-audit`: walks the whole hash chain of a data directory's audit trail and checks that it
 * ends at the tail recorded beside it (so rows cut from the end are caught too).
 */
export function verifyAudit(options: { dataDir: string }): ChainCheck {
  // Opening would create an empty database, which would then verify "OK" for a typo'd path.
  if (!existsSync(join(options.dataDir, DATABASE_FILE))) {
    throw new UsageError(`no ${DATABASE_FILE} in ${options.dataDir}`);
  }
  const db = openDatabase({ dataDir: options.dataDir, inMemory: false });
  try {
    return createAuditRepository(db).verify();
  } finally {
    db.close();
  }
}
