import type { Db } from '../db/database';
import {
  canonicalJson,
  GENESIS_HASH,
  rowHash,
  verifyChain,
  type AuditRow,
  type ChainAnchor,
  type ChainCheck,
} from './audit-chain';

/** What a caller records; seq, time and hashes are filled in here. */
export interface AuditEntry {
  person: string | null;
  appId?: string | null;
  action: string;
  target?: string | null;
  status: number;
  errorCode?: string | null;
  clientAddress?: string | null;
  details?: Record<string, unknown>;
}

/** Which rows a reader may see: everything, or their own plus those of apps they administer. */
export type AuditScope = { all: true } | { all: false; person: string; adminOfApps: string[] };

export interface AuditFilters {
  person?: string;
  appId?: string;
  action?: string;
  /** Inclusive lower bound, ms since the epoch. */
  from?: number;
  /** Exclusive upper bound, ms since the epoch. */
  to?: number;
  /** `ok`: the action succeeded (status below 400); `failed`: refused or failed (400 and up). */
  outcome?: 'ok' | 'failed';
}

interface StoredRow {
  seq: number;
  at: number;
  person: string | null;
  app_id: string | null;
  action: string;
  target: string | null;
  status: number;
  error_code: string | null;
  client_address: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

function fromStored(row: StoredRow): AuditRow {
  return {
    seq: row.seq,
    at: row.at,
    person: row.person,
    appId: row.app_id,
    action: row.action,
    target: row.target,
    status: row.status,
    errorCode: row.error_code,
    clientAddress: row.client_address,
    detailsJson: row.details_json,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** WHERE clause and parameters for a scope and filters (all values bound, never spliced). */
function where(scope: AuditScope, filters: AuditFilters, beforeSeq?: number) {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (!scope.all) {
    const apps = scope.adminOfApps;
    const ownOrAdministered = apps.length
      ? `(person = ? OR app_id IN (${apps.map(() => '?').join(', ')}))`
      : 'person = ?';
    clauses.push(ownOrAdministered);
    params.push(scope.person, ...apps);
  }
  const exact: [string, string | undefined][] = [
    ['person', filters.person],
    ['app_id', filters.appId],
    ['action', filters.action],
  ];
  for (const [column, value] of exact) {
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  if (filters.from !== undefined) {
    clauses.push('at >= ?');
    params.push(filters.from);
  }
  if (filters.to !== undefined) {
    clauses.push('at < ?');
    params.push(filters.to);
  }
  if (filters.outcome !== undefined) {
    clauses.push(filters.outcome === 'ok' ? 'status < 400' : 'status >= 400');
  }
  if (beforeSeq !== undefined) {
    clauses.push('seq < ?');
    params.push(beforeSeq);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * The append-only audit trail. Appends run in an IMMEDIATE transaction so that the read of the
 * last hash and the insert are one step even when another process (the CLI) writes too.
 */
export function createAuditRepository(db: Db, now = () => Date.now()) {
  const last = db.prepare<[], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, at, person, app_id, action, target, status, error_code,
       client_address, details_json, prev_hash, hash)
     VALUES (@seq, @at, @person, @appId, @action, @target, @status, @errorCode,
       @clientAddress, @detailsJson, @prevHash, @hash)`,
  );
  const inOrder = db.prepare<[], StoredRow>('SELECT * FROM audit_log ORDER BY seq');
  // The tail kept beside the table (migration 005), moved in the same transaction as the insert.
  const moveAnchor = db.prepare(
    'UPDATE audit_anchor SET row_count = row_count + 1, seq = @seq, head_hash = @hash WHERE id = 1',
  );
  const readAnchor = db.prepare<[], ChainAnchor>(
    'SELECT row_count AS rows, seq, head_hash AS headHash FROM audit_anchor WHERE id = 1',
  );

  const append = db.transaction((entry: AuditEntry): AuditRow => {
    const previous = last.get();
    const unhashed = {
      seq: (previous?.seq ?? 0) + 1,
      at: now(),
      person: entry.person,
      appId: entry.appId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      status: entry.status,
      errorCode: entry.errorCode ?? null,
      clientAddress: entry.clientAddress ?? null,
      detailsJson: canonicalJson(entry.details ?? {}),
      prevHash: previous?.hash ?? GENESIS_HASH,
    };
    const row = { ...unhashed, hash: rowHash(unhashed) };
    insert.run(row);
    moveAnchor.run({ seq: row.seq, hash: row.hash });
    return row;
  });

  return {
    record(entry: AuditEntry): AuditRow {
      return append.immediate(entry);
    },
    /** Newest first, `limit` rows older than `beforeSeq` (keyset paging). */
    page(scope: AuditScope, filters: AuditFilters, limit: number, beforeSeq?: number): AuditRow[] {
      const { sql, params } = where(scope, filters, beforeSeq);
      return db
        .prepare<unknown[], StoredRow>(`SELECT * FROM audit_log ${sql} ORDER BY seq DESC LIMIT ?`)
        .all(...params, limit)
        .map(fromStored);
    },
    /**
     * Every matching row, newest first, in pages of `batch` (for CSV export). Pages rather than
     * one open cursor: a cursor would keep the connection busy across the stream's event-loop
     * turns, while other requests need it to write.
     */
    *each(scope: AuditScope, filters: AuditFilters, batch = 1000): Generator<AuditRow> {
      let before: number | undefined;
      for (;;) {
        const rows = this.page(scope, filters, batch, before);
        yield* rows;
        if (rows.length < batch) return;
        before = rows.at(-1)!.seq;
      }
    },
    /**
     * Walks the whole chain and checks it ends at the recorded tail (verify-audit). In one read
     * transaction, so an append by the running server cannot fall between the walk and the tail.
     */
    verify(): ChainCheck {
      return db.transaction(() => {
        const anchor = readAnchor.get();
        if (!anchor)
          return { ok: false as const, seq: 0, reason: 'the audit anchor row is missing' };
        return verifyChain(this.inOrder(), anchor);
      })();
    },
    /** The whole trail in seq order, for verification. */
    *inOrder(): Generator<AuditRow> {
      for (const row of inOrder.iterate()) yield fromStored(row);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
