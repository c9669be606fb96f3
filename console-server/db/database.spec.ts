import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, migrationFiles, openDatabase } from './database';

describe('console server database', () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kpc-team-db-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies every numbered migration and records the newest in user_version', () => {
    const files = migrationFiles();
    expect(files[0]).toEqual({ version: 1, name: '001_people_sessions_audit.sql' });
    // Numbered in order, whoever added them.
    expect(files.map((f) => f.version)).toEqual(
      [...files.map((f) => f.version)].sort((a, b) => a - b),
    );
    const db = openDatabase({ dataDir: '', inMemory: true });
    expect(db.pragma('user_version', { simple: true })).toBe(files.at(-1)!.version);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(
      jasmine.arrayContaining(['people', 'person_roles', 'sessions', 'audit_log']),
    );
    db.close();
  });

  it('creates the data directory 0700 and the file 0600, and reopens without migrating twice', () => {
    const dataDir = join(dir, 'team');
    openDatabase({ dataDir, inMemory: false }).close();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    const again = openDatabase({ dataDir, inMemory: false });
    expect(again.pragma('user_version', { simple: true })).toBe(migrationFiles().at(-1)!.version);
    again.close();
  });

  it('refuses a database from a newer schema than this code knows', () => {
    const dataDir = join(dir, 'newer');
    openDatabase({ dataDir, inMemory: false }).close();
    const raw = new Database(join(dataDir, DATABASE_FILE));
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase({ dataDir, inMemory: false })).toThrowError(/schema version 999/);
  });
});
