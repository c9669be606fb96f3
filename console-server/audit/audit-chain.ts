import { createHash } from 'node:crypto';

/** One audit row as stored (and as hashed). */
export interface AuditRow {
  seq: number;
  /** Milliseconds since the epoch. */
  at: number;
  /** Login of the person who acted; null when nobody was signed in (a failed sign-in). */
  person: string | null;
  /** Kii app ID the action concerned; null for team-wide actions (sign-in, people). */
  appId: string | null;
  /** Dotted name such as `sign-in.failed`, `person.roles`, `access.refused`. */
  action: string;
  /** What the action was on: a login, an installation ID, a route. */
  target: string | null;
  /** The HTTP status the action ended with (Kii's status for relayed calls). */
  status: number;
  /** The error code it ended with, if it failed (ours or Kii's). */
  errorCode: string | null;
  clientAddress: string | null;
  /** Canonical JSON (sorted keys) of the extra facts. */
  detailsJson: string;
  prevHash: string;
  hash: string;
}

/** The previous hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so equal details always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The chained fields of a row, in the one order the hash and the CSV export both use. */
export function chainedFields(row: Omit<AuditRow, 'hash'>) {
  return [
    row.seq,
    row.at,
    row.person,
    row.appId,
    row.action,
    row.target,
    row.status,
    row.errorCode,
    row.clientAddress,
    row.detailsJson,
    row.prevHash,
  ] as const;
}

/**
 * SHA-256 (hex) over the row's fields in a fixed order, as a JSON array (unambiguous: no
 * separator can be forged inside a field), ending with the previous row's hash. Any change to a
 * stored field, or a row removed or inserted, breaks this row's hash or the next row's link.
 */
export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = ['kpc-audit-v1', ...chainedFields(row)];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export type ChainCheck = { ok: true; rows: number } | { ok: false; seq: number; reason: string };

/**
 * Walks rows in seq order and reports the first one whose link or hash does not hold. Rows
 * removed from the end leave no trace in the chain itself; compare `rows` with a count kept
 * elsewhere to notice that.
 */
export function verifyChain(rows: Iterable<AuditRow>): ChainCheck {
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (const row of rows) {
    if (row.prevHash !== prevHash) {
      return { ok: false, seq: row.seq, reason: 'prev_hash does not match the previous row' };
    }
    if (rowHash(row) !== row.hash) {
      return { ok: false, seq: row.seq, reason: 'hash does not match the row' };
    }
    prevHash = row.hash;
    count++;
  }
  return { ok: true, rows: count };
}
