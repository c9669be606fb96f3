import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer } from './checkpointer';
import { openDatabase } from './database';

/** Numbered migrations bring an existing data directory up to date and keep its rows. */
describe('database migrations', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kpc-migrate-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('upgrades a version 1 database: other rows stay, unbound plaintext tokens are dropped, digests bound to an issuer are stored', () => {
    // A data directory as the first release left it: only migration 001 applied.
    const old = new Database(join(dataDir, 'kii-local.sqlite'));
    old.exec(readFileSync(join(import.meta.dirname, 'migrations', '001_initial.sql'), 'utf8'));
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO tokens VALUES ('tok-1', 'user', 'u-1', NULL, 1)").run();
    old
      .prepare(
        "INSERT INTO users (id, internal_id, login_name, password_hash, created_at, modified_at) VALUES ('u-1', 1, 'alice', 'x', 1, 1)",
      )
      .run();
    expect(() =>
      old.prepare("INSERT INTO tokens VALUES ('tok-2', 'anonymous', 'x', NULL, 1)").run(),
    ).toThrowError(/CHECK/);
    old.close();

    const db = openDatabase({ dataDir, inMemory: false });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      // 004: the delivery trace starts empty on an old data directory (docs/kii-api.md §13).
      for (const table of ['push_ledger', 'push_outcomes', 'connection_history'])
        expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT id, login_name FROM users').all()).toEqual([
        { id: 'u-1', login_name: 'alice' },
      ]);
      // A plaintext token cannot say which credentials issued it: it is not carried over.
      expect(db.prepare('SELECT count(*) AS n FROM tokens').get()).toEqual({ n: 0 });
      const insert = db.prepare(
        'INSERT INTO tokens (token_hash, principal_type, principal_id, issuer, created_at) VALUES (?, ?, ?, ?, 1)',
      );
      insert.run('digest-2', 'anonymous', 'ANONYMOUS_USER', 'issuer');
      expect(() => insert.run('digest-3', 'nobody', 'x', 'issuer')).toThrowError(/CHECK/);
      expect(() => insert.run('digest-4', 'user', 'u-1', null)).toThrowError(/NOT NULL/);
      // The index the token revocation uses is there.
      const indexes = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokens'")
        .all();
      expect(indexes).toContain(jasmine.objectContaining({ name: 'tokens_by_principal' }));
    } finally {
      db.close();
    }
  });
});

/** The WAL is checkpointed by a worker thread, so the fsyncs stay off the event loop. */
describe('WAL checkpointer', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kpc-checkpoint-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('copies committed pages into the database file while the server writes, and loses nothing', async () => {
    const db = openDatabase({ dataDir, inMemory: false });
    const checkpointer = startCheckpointer(db, 20);
    // The server's own connection only checkpoints as a backstop.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_CHECKPOINT_PAGES);
    const insert = db.prepare(
      "INSERT INTO tokens (token_hash, principal_type, principal_id, issuer, created_at) VALUES (?, ?, ?, 'i', 1)",
    );
    for (let i = 0; i < 500; i++) insert.run(`tok-${i}`, 'user', `u-${i}`);
    let stats = await checkpointer.stats();
    for (let waited = 0; stats.frames === 0 && waited < 3000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = await checkpointer.stats();
    }
    expect(stats.error).toBeUndefined();
    expect(stats.checkpoints).toBeGreaterThan(0);
    expect(stats.frames).toBeGreaterThan(0);
    for (let i = 500; i < 600; i++) insert.run(`tok-${i}`, 'user', `u-${i}`);
    await checkpointer.close();
    db.close();

    const reopened = new Database(join(dataDir, 'kii-local.sqlite'), { readonly: true });
    try {
      expect(reopened.prepare('SELECT count(*) AS n FROM tokens').get()).toEqual({ n: 600 });
    } finally {
      reopened.close();
    }
  });

  it('starts nothing for an in-memory database', async () => {
    const db = openDatabase({ dataDir, inMemory: true });
    const checkpointer = startCheckpointer(db);
    expect(await checkpointer.stats()).toEqual({ checkpoints: 0, frames: 0 });
    await checkpointer.close();
    db.close();
  });
});
