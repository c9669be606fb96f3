import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database';

/** Numbered migrations bring an existing data directory up to date and keep its rows. */
describe('database migrations', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kpc-migrate-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('upgrades a version 1 database: existing tokens stay, anonymous tokens become possible', () => {
    // A data directory as the first release left it: only migration 001 applied.
    const old = new Database(join(dataDir, 'kii-local.sqlite'));
    old.exec(readFileSync(join(import.meta.dirname, 'migrations', '001_initial.sql'), 'utf8'));
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO tokens VALUES ('tok-1', 'user', 'u-1', NULL, 1)").run();
    expect(() => old.prepare("INSERT INTO tokens VALUES ('tok-2', 'anonymous', 'x', NULL, 1)").run()).toThrowError(/CHECK/);
    old.close();

    const db = openDatabase({ dataDir, inMemory: false });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(db.prepare('SELECT principal_type, principal_id FROM tokens').all()).toEqual([{ principal_type: 'user', principal_id: 'u-1' }]);
      db.prepare("INSERT INTO tokens VALUES ('tok-2', 'anonymous', 'ANONYMOUS_USER', NULL, 1)").run();
      expect(() => db.prepare("INSERT INTO tokens VALUES ('tok-3', 'nobody', 'x', NULL, 1)").run()).toThrowError(/CHECK/);
      // The index the token revocation uses is back.
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokens'").all();
      expect(indexes).toContain(jasmine.objectContaining({ name: 'tokens_by_principal' }));
    } finally {
      db.close();
    }
  });
});
