import { openDatabase, type Db } from '../db/database';
import { createMetrics } from '../metrics';
import { createDeliveryLedger } from '../push/delivery-ledger';
import {
  createConnectionHistoryRepository,
  HISTORY_MAX_ROWS,
  HISTORY_PER_INSTALLATION,
  type ConnectionRecord,
} from './connection-history';
import {
  createPushLedgerRepository,
  LEDGER_MAX_AGE_MS,
  LEDGER_MAX_PUSHES,
  LEDGER_MAX_ROWS,
  type LedgerEntry,
  type OutcomeRow,
} from './push-ledger';

const DAY = 24 * 3600 * 1000;

function entry(id: string, sentAt: number, rows = 0): LedgerEntry {
  const row: OutcomeRow = {
    installationID: `inst-${id}`,
    ownerType: 'user',
    ownerID: `user-${id}`,
    outcome: 'NOT_CONNECTED',
    detail: null,
    connectionID: null,
    transport: null,
    writtenAt: null,
  };
  return {
    summary: {
      pushMessageID: id,
      target: 'kiicloud://topics/news',
      sender: 'kiicloud://admins/APP_ADMIN',
      sendToDevelopment: true,
      sendToProduction: true,
      payloadBytes: 10,
      sentAt,
      settledAt: sentAt,
      recipients: rows,
      targeted: rows,
      outcomes: rows ? { NOT_CONNECTED: rows } : {},
      writeMs: null,
      rowsKept: rows,
      rowsOmitted: 0,
    },
    rows: Array.from({ length: rows }, () => row),
  };
}

/**
 * The README's retention numbers, enforced on a real SQLite database with the real limits (the
 * bulk inserts take a few seconds, hence the longer timeouts).
 */
describe('retention of the delivery ledger and the connection history', () => {
  let db: Db;
  beforeEach(() => (db = openDatabase({ dataDir: '', inMemory: true })));
  afterEach(() => db.close());

  it('drops pushes older than 7 days, on the next insert and at start with nothing sent', () => {
    const ledger = createPushLedgerRepository(db);
    const now = Date.now();
    const insert = db.transaction((entries: LedgerEntry[], at: number) =>
      ledger.insertAll(entries, at),
    );
    // Stored by a server that stopped over a week ago: the ledger's start-up sweep removes it.
    const weekAgo = now - LEDGER_MAX_AGE_MS - 1000;
    insert([entry('stale', weekAgo, 1)], weekAgo);
    expect(ledger.find('stale')).toBeDefined();
    createDeliveryLedger({ db, repository: ledger, metrics: createMetrics(), onWriteError: fail });
    expect(ledger.size()).toEqual({ pushes: 0, rows: 0 });

    const aging = now - LEDGER_MAX_AGE_MS + 60_000;
    insert([entry('old', now - LEDGER_MAX_AGE_MS - 1000, 3), entry('aging', aging, 1)], now);
    insert([entry('recent', now - DAY, 2)], now);
    expect(ledger.find('old')).toBeUndefined();
    expect(ledger.size()).toEqual({ pushes: 2, rows: 3 });
    // A server that sends nothing more: "aging" passes the limit while it runs (the sweep).
    ledger.prune(now + 120_000);
    expect(ledger.find('aging')).toBeUndefined();
    expect(ledger.find('recent')).toBeDefined();
  });

  it('keeps the newest 10,000 pushes and at most 200,000 outcome rows, whole pushes going first', () => {
    const ledger = createPushLedgerRepository(db);
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i <= LEDGER_MAX_PUSHES; i++) ledger.insertAll([entry(`p${i}`, now)], now);
    })();
    expect(ledger.size().pushes).toBe(LEDGER_MAX_PUSHES);
    expect(ledger.find('p0')).toBeUndefined();
    expect(ledger.find('p1')).toBeDefined();

    // 1,000 rows a push (the most a push keeps of one kind): 201 pushes are one too many.
    const pushes = LEDGER_MAX_ROWS / 1000 + 1;
    db.transaction(() => {
      for (let i = 0; i < pushes; i++) ledger.insertAll([entry(`big${i}`, now, 1000)], now);
    })();
    expect(ledger.size().rows).toBeLessThanOrEqual(LEDGER_MAX_ROWS);
    expect(ledger.size().rows).toBeGreaterThan(LEDGER_MAX_ROWS - 1000);
    expect(ledger.find('big0')).toBeUndefined();
    expect(ledger.rows(ledger.find('big1')!.seq, 0, 10_000).length).toBe(1000);
    expect(ledger.size().pushes).toBe(pushes - 1);
  }, 30_000);

  it('keeps 50 closed connections per installation and 200,000 in all', () => {
    const history = createConnectionHistoryRepository(db);
    let n = 0;
    const closed = (installationID: string): ConnectionRecord => ({
      connectionID: `c-${++n}`,
      installationID,
      transport: 'tcp',
      clientAddress: '127.0.0.1',
      connectedAt: n,
      subscribedAt: null,
      closedAt: n,
      closeReason: 'CLIENT_DISCONNECT',
      detail: null,
      tookOver: null,
      takenOverBy: null,
    });
    const insert = db.transaction((records: ConnectionRecord[]) => history.insertAll(records));
    insert(Array.from({ length: HISTORY_PER_INSTALLATION + 5 }, () => closed('busy')));
    const kept = history.newest('busy', 1000);
    expect(kept.length).toBe(HISTORY_PER_INSTALLATION);
    expect(kept[0].connectionID).toBe(`c-${n}`);
    expect(kept[kept.length - 1].connectionID).toBe(`c-6`);

    // 40 connections each for 5,000 more installations: 200,000 newer closes push out busy's.
    for (let batch = 0; batch < 5; batch++)
      insert(Array.from({ length: 40_000 }, (_, i) => closed(`i${batch * 1000 + (i % 1000)}`)));
    const total = db.prepare('SELECT count(*) FROM connection_history').pluck().get();
    expect(total).toBe(HISTORY_MAX_ROWS);
    expect(history.newest('busy', 1000)).toEqual([]);
    expect(history.newest('i0', 1000).length).toBe(40);
  }, 30_000);
});
