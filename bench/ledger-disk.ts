/**
 * The most disk the delivery ledger and the connection history can take, filled to their
 * retention limits on a SQLite file: `node --import tsx bench/ledger-disk.ts`.
 *
 * Writes LEDGER_MAX_PUSHES pushes of which LEDGER_MAX_ROWS outcome rows in pushes of 1,000 rows
 * (the most of one kind a push keeps) and HISTORY_MAX_ROWS closed connections, with IDs as long
 * as the server's (more rows and closes than the limits, so that pruning runs); prints the file
 * size after VACUUM and how much each part adds. SQLite reuses freed pages, so the file stays near this size.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/db/database';
import {
  createConnectionHistoryRepository,
  HISTORY_MAX_ROWS,
  type ConnectionRecord,
} from '../server/repositories/connection-history';
import {
  createPushLedgerRepository,
  LEDGER_MAX_PUSHES,
  LEDGER_MAX_ROWS,
  type LedgerEntry,
  type OutcomeRow,
} from '../server/repositories/push-ledger';

const dir = mkdtempSync(join(tmpdir(), 'ledger-disk-'));
const db = openDatabase({ dataDir: dir, inMemory: false });
const file = join(dir, 'kii-local.sqlite');
const ledger = createPushLedgerRepository(db);
const history = createConnectionHistoryRepository(db);
const id = (prefix: string, n: number) => `${prefix}${n.toString(36).padStart(22, '0')}`;
const now = Date.now();

function push(n: number, rows: number): LedgerEntry {
  const outcome: OutcomeRow[] = Array.from({ length: rows }, (_, i) => ({
    installationID: id('inst', n * 1000 + i),
    ownerType: 'user',
    ownerID: id('user', n * 1000 + i),
    outcome: i % 2 ? 'DELIVERED' : 'NOT_CONNECTED',
    detail: null,
    connectionID: i % 2 ? `c-${now.toString(36)}-${i.toString(36)}` : null,
    transport: i % 2 ? 'ws' : null,
    writtenAt: i % 2 ? now : null,
  }));
  return {
    summary: {
      pushMessageID: id('push', n),
      target: `kiicloud://topics/${id('topic', n % 100)}`,
      sender: 'kiicloud://admins/APP_ADMIN',
      sendToDevelopment: true,
      sendToProduction: true,
      payloadBytes: 300,
      sentAt: now,
      settledAt: now,
      recipients: rows,
      targeted: rows,
      outcomes: { DELIVERED: rows >> 1, NOT_CONNECTED: rows - (rows >> 1) },
      writeMs: { p50: 300, p99: 540, max: 560 },
      rowsKept: rows,
      rowsOmitted: 0,
    },
    rows: outcome,
  };
}

function closed(n: number): ConnectionRecord {
  return {
    connectionID: `c-${now.toString(36)}-${n.toString(36)}`,
    installationID: id('inst', n % 50_000),
    transport: 'ws',
    clientAddress: '192.168.100.200',
    connectedAt: now,
    subscribedAt: now,
    closedAt: now,
    closeReason: 'KEEPALIVE_TIMEOUT',
    detail: 'keep alive timeout',
    tookOver: null,
    takenOverBy: null,
  };
}

function size(): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  return statSync(file).size;
}

const MiB = 1024 * 1024;
const empty = size();
let n = 0;
// The worst case is both limits at once. The cuts go by age of push, so the rows must sit in the
// newer pushes: 1,000-row pushes 10 % past the row limit (its cut runs), then row-less pushes up
// to the push limit.
for (let i = 0; i < (LEDGER_MAX_ROWS / 1000) * 1.1; i++)
  db.transaction(() => ledger.insertAll([push(n++, 1000)], now))();
db.transaction(() => {
  for (let i = ledger.size().pushes; i < LEDGER_MAX_PUSHES; i++)
    ledger.insertAll([push(n++, 0)], now);
})();
const ledgerFull = size();
const kept = ledger.size();
for (let i = 0; i < HISTORY_MAX_ROWS * 1.1; i += 10_000) {
  db.transaction(() =>
    history.insertAll(Array.from({ length: 10_000 }, (_, j) => closed(i + j))),
  )();
}
const all = size();
const connections = db.prepare('SELECT count(*) FROM connection_history').pluck().get() as number;
console.log(`empty database: ${(empty / MiB).toFixed(1)} MiB`);
console.log(
  `ledger at both limits (${kept.pushes} pushes, ${kept.rows} outcome rows): ` +
    `+${((ledgerFull - empty) / MiB).toFixed(1)} MiB`,
);
console.log(
  `connection history at its limit (${connections} rows): +${((all - ledgerFull) / MiB).toFixed(1)} MiB`,
);
db.close();
rmSync(dir, { recursive: true, force: true });
