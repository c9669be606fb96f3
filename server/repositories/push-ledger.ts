import type { Db } from '../db/database';
import type { Transport } from './connection-history';

/** Pushes whose record is kept at most this long. */
export const LEDGER_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Pushes kept at most (the oldest go first). */
export const LEDGER_MAX_PUSHES = 10_000;
/** Per-recipient rows kept at most over all pushes (whole pushes' rows go, oldest first). */
export const LEDGER_MAX_ROWS = 200_000;

/** What happened to a push for one targeted installation (docs/kii-api.md §13.1). */
export type Outcome =
  | 'DELIVERED'
  | 'ENVIRONMENT_FILTERED'
  | 'NO_MQTT_INSTALLATION'
  | 'NOT_CONNECTED'
  | 'NOT_SUBSCRIBED'
  | 'CREDENTIALS_EXPIRED'
  | 'DROPPED_SLOW_CONSUMER'
  | 'CONNECTION_CLOSED'
  | 'MQTT_DISABLED';

export interface OutcomeRow {
  installationID: string | null;
  ownerType: 'user' | 'thing';
  ownerID: string;
  outcome: Outcome;
  detail: string | null;
  connectionID: string | null;
  transport: Transport | null;
  /** When the PUBLISH was written to the connection (not when the client received it). */
  writtenAt: number | null;
}

export interface PushSummary {
  pushMessageID: string;
  target: string;
  sender: string;
  sendToDevelopment: boolean;
  sendToProduction: boolean;
  payloadBytes: number;
  sentAt: number;
  /** When the last write settled; null while writes are still in flight. */
  settledAt: number | null;
  recipients: number;
  targeted: number;
  outcomes: Partial<Record<Outcome, number>>;
  /** Milliseconds from the send to the writes to connections. */
  writeMs: { p50: number; p99: number; max: number } | null;
  rowsKept: number;
  rowsOmitted: number;
}

/** A settled push as the ledger writes it. */
export interface LedgerEntry {
  summary: PushSummary;
  rows: OutcomeRow[];
}

interface SummaryRow {
  seq: number;
  message_id: string;
  target: string;
  sender: string;
  send_to_development: number;
  send_to_production: number;
  payload_bytes: number;
  sent_at: number;
  settled_at: number;
  recipients: number;
  targeted: number;
  outcome_counts: string;
  write_p50_ms: number | null;
  write_p99_ms: number | null;
  write_max_ms: number | null;
  rows_kept: number;
  rows_omitted: number;
}

interface Row {
  installation_id: string | null;
  owner_type: 'user' | 'thing';
  owner_id: string;
  outcome: Outcome;
  detail: string | null;
  connection_id: string | null;
  transport: Transport | null;
  written_at: number | null;
}

function toSummary(row: SummaryRow): PushSummary {
  return {
    pushMessageID: row.message_id,
    target: row.target,
    sender: row.sender,
    sendToDevelopment: row.send_to_development === 1,
    sendToProduction: row.send_to_production === 1,
    payloadBytes: row.payload_bytes,
    sentAt: row.sent_at,
    settledAt: row.settled_at,
    recipients: row.recipients,
    targeted: row.targeted,
    outcomes: JSON.parse(row.outcome_counts) as PushSummary['outcomes'],
    writeMs:
      row.write_p50_ms === null
        ? null
        : { p50: row.write_p50_ms, p99: row.write_p99_ms!, max: row.write_max_ms! },
    rowsKept: row.rows_kept,
    rowsOmitted: row.rows_omitted,
  };
}

function toOutcome(row: Row): OutcomeRow {
  return {
    installationID: row.installation_id,
    ownerType: row.owner_type,
    ownerID: row.owner_id,
    outcome: row.outcome,
    detail: row.detail,
    connectionID: row.connection_id,
    transport: row.transport,
    writtenAt: row.written_at,
  };
}

/** The per-push delivery ledger in SQLite, bounded by the constants above. */
export function createPushLedgerRepository(db: Db) {
  const insertPush = db.prepare(`INSERT OR IGNORE INTO push_ledger (message_id, target, sender,
      send_to_development, send_to_production, payload_bytes, sent_at, settled_at, recipients,
      targeted, outcome_counts, write_p50_ms, write_p99_ms, write_max_ms, rows_kept, rows_omitted)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRow = db.prepare(`INSERT INTO push_outcomes (push_seq, installation_id, owner_type,
      owner_id, outcome, detail, connection_id, transport, written_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const bySeqCut = db.prepare<[number], number>('SELECT max(seq) - ? FROM push_ledger').pluck();
  // Without INDEXED BY, SQLite answers max(seq) by walking seq downwards until a row is old
  // enough: every row when none is (640 us per batch at 10,000 pushes); the index reads none.
  const byAgeCut = db
    .prepare<[number], number | null>(
      'SELECT max(seq) FROM push_ledger INDEXED BY push_ledger_by_time WHERE sent_at < ?',
    )
    .pluck();
  const byRowsCut = db
    .prepare<[number], number | null>(
      `SELECT push_seq FROM push_outcomes
       WHERE seq <= (SELECT max(seq) FROM push_outcomes) - ? ORDER BY seq DESC LIMIT 1`,
    )
    .pluck();
  const deleteRows = db.prepare('DELETE FROM push_outcomes WHERE push_seq <= ?');
  const deletePushes = db.prepare('DELETE FROM push_ledger WHERE seq <= ?');
  const find = db.prepare<[string], SummaryRow>('SELECT * FROM push_ledger WHERE message_id = ?');
  const rowsOf = db.prepare<[number, number, number], Row>(
    'SELECT * FROM push_outcomes WHERE push_seq = ? ORDER BY seq LIMIT ? OFFSET ?',
  );
  const rowsOfWith = db.prepare<[number, string, number, number], Row>(
    'SELECT * FROM push_outcomes WHERE push_seq = ? AND outcome = ? ORDER BY seq LIMIT ? OFFSET ?',
  );
  const rowOfInstallation = db.prepare<[number, string], Row>(
    'SELECT * FROM push_outcomes WHERE push_seq = ? AND installation_id = ?',
  );
  const ofInstallation = db.prepare<
    [string, number, number],
    Row & { push_seq: number; message_id: string; sent_at: number; target: string }
  >(`SELECT o.*, p.message_id, p.sent_at, p.target FROM push_outcomes o
     JOIN push_ledger p ON p.seq = o.push_seq
     WHERE o.installation_id = ? AND o.push_seq < ? ORDER BY o.push_seq DESC LIMIT ?`);
  const countPushes = db.prepare<[], number>('SELECT count(*) FROM push_ledger').pluck();
  const countRows = db.prepare<[], number>('SELECT count(*) FROM push_outcomes').pluck();
  let lastCut = 0;

  /** Drops whole pushes past the age, count or row limit; a few index lookups when nothing goes. */
  function pruneNow(now: number): void {
    const cut = Math.max(
      bySeqCut.get(LEDGER_MAX_PUSHES) ?? 0,
      byAgeCut.get(now - LEDGER_MAX_AGE_MS) ?? 0,
      byRowsCut.get(LEDGER_MAX_ROWS) ?? 0,
    );
    if (cut <= lastCut) return;
    deleteRows.run(cut);
    deletePushes.run(cut);
    lastCut = cut;
  }

  return {
    /** Inside a transaction (the batch writer's). */
    insertAll(entries: LedgerEntry[], now = Date.now()): void {
      for (const { summary: s, rows } of entries) {
        const result = insertPush.run(
          s.pushMessageID,
          s.target,
          s.sender,
          s.sendToDevelopment ? 1 : 0,
          s.sendToProduction ? 1 : 0,
          s.payloadBytes,
          s.sentAt,
          s.settledAt ?? now,
          s.recipients,
          s.targeted,
          JSON.stringify(s.outcomes),
          s.writeMs?.p50 ?? null,
          s.writeMs?.p99 ?? null,
          s.writeMs?.max ?? null,
          s.rowsKept,
          s.rowsOmitted,
        );
        if (result.changes === 0) continue;
        const pushSeq = Number(result.lastInsertRowid);
        for (const r of rows) {
          insertRow.run(
            pushSeq,
            r.installationID,
            r.ownerType,
            r.ownerID,
            r.outcome,
            r.detail,
            r.connectionID,
            r.transport,
            r.writtenAt,
          );
        }
      }
      pruneNow(now);
    },
    /** The age limit also holds while no push arrives: the ledger calls this on a timer. */
    prune: db.transaction((now: number) => pruneNow(now)),
    /** Pushes and outcome rows stored, for the retention specs and benchmarks. */
    size(): { pushes: number; rows: number } {
      return { pushes: countPushes.get() ?? 0, rows: countRows.get() ?? 0 };
    },
    find(pushMessageID: string): { seq: number; summary: PushSummary } | undefined {
      const row = find.get(pushMessageID);
      return row && { seq: row.seq, summary: toSummary(row) };
    },
    rows(pushSeq: number, offset: number, limit: number, outcome?: string): OutcomeRow[] {
      const rows = outcome
        ? rowsOfWith.all(pushSeq, outcome, limit, offset)
        : rowsOf.all(pushSeq, limit, offset);
      return rows.map(toOutcome);
    },
    rowOf(pushSeq: number, installationId: string): OutcomeRow | undefined {
      const row = rowOfInstallation.get(pushSeq, installationId);
      return row && toOutcome(row);
    },
    /** Kept outcomes of one installation, newest push first, below push `beforeSeq`. */
    ofInstallation(installationId: string, beforeSeq: number, limit: number) {
      return ofInstallation.all(installationId, beforeSeq, limit).map((row) => ({
        pushSeq: row.push_seq,
        pushMessageID: row.message_id,
        sentAt: row.sent_at,
        target: row.target,
        ...toOutcome(row),
      }));
    },
  };
}

export type PushLedgerRepository = ReturnType<typeof createPushLedgerRepository>;
