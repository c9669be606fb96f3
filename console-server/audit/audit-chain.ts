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
 * The trail's tail as recorded outside the audit table (table audit_anchor), updated in the same
 * transaction as every append: how many rows there are, and the last one's seq and hash.
 */
export interface ChainAnchor {
  rows: number;
  seq: number;
  headHash: string;
}

/**
 * Walks rows in seq order and reports the first one whose link or hash does not hold. Rows
 * removed from the end leave no trace in the chain itself: with `anchor`, the walk must also end
 * exactly at the recorded tail (same count, same last hash), so rows cut from the end, or rows
 * added after it other than through an append, are reported too.
 */
export function verifyChain(rows: Iterable<AuditRow>, anchor?: ChainAnchor): ChainCheck {
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  let count = 0;
  for (const row of rows) {
    if (row.prevHash !== prevHash) {
      return { ok: false, seq: row.seq, reason: 'prev_hash does not match the previous row' };
    }
    if (rowHash(row) !== row.hash) {
      return { ok: false, seq: row.seq, reason: 'hash does not match the row' };
    }
    prevHash = row.hash;
    lastSeq = row.seq;
    count++;
  }
  if (anchor && (count !== anchor.rows || prevHash !== anchor.headHash)) {
    const recorded = `the anchor records ${anchor.rows} rows ending at seq ${anchor.seq}, the table holds ${count}`;
    if (count < anchor.rows) {
      return { ok: false, seq: lastSeq + 1, reason: `rows cut from the end: ${recorded}` };
    }
    if (count > anchor.rows) {
      return {
        ok: false,
        seq: anchor.seq + 1,
        reason: `rows after the recorded tail, not appended through the trail: ${recorded}`,
      };
    }
    return {
      ok: false,
      seq: lastSeq,
      reason: `the last row is not the recorded tail: ${recorded}`,
    };
  }
  return { ok: true, rows: count };
}
