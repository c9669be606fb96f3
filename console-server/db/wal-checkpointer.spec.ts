import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuditRepository } from '../audit/audit-repository';
import { DATABASE_FILE, openDatabase } from './database';
import { BACKSTOP_WAL_PAGES, startWalCheckpointer } from './wal-checkpointer';

/** The console server's WAL checkpoints run on a worker, so their fsyncs stay off the event loop. */
describe('WAL checkpointer', () => {
  let dataDir: string;

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kpc-team-checkpoint-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('copies what the server commits into the database file from its own thread', async () => {
    const db = openDatabase({ dataDir, inMemory: false });
    const checkpointer = startWalCheckpointer(db, 20);
    try {
      // The server's own connection checkpoints only as a backstop, far above what is written.
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_WAL_PAGES);
      const file = join(dataDir, DATABASE_FILE);
      const before = statSync(file).size;
      const audit = createAuditRepository(db);
      for (let i = 0; i < 300; i++) {
        audit.record({ person: 'alice', action: 'access.refused', status: 403, target: `t${i}` });
      }
      // The worker's own timer copies the rows into the database file itself, not only the WAL.
      for (let tries = 0; statSync(file).size <= before && tries < 100; tries++) await sleep(20);
      expect(statSync(file).size).toBeGreaterThan(before);
      expect(await checkpointer.copiedFrames()).toBeGreaterThan(0);
      expect(audit.verify()).toEqual({ ok: true, rows: 300 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('starts nothing for an in-memory database', async () => {
    const db = openDatabase({ dataDir: '', inMemory: true });
    const checkpointer = startWalCheckpointer(db);
    expect(await checkpointer.copiedFrames()).toBe(0);
    await checkpointer.stop();
    db.close();
  });
});
