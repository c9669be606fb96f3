import Database from 'better-sqlite3';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

export const DATABASE_FILE = 'console-server.sqlite';

const migrationsDir = join(import.meta.dirname, 'migrations');

/**
 * Opens the console server's SQLite database (a file in dataDir, or memory) and brings its
 * schema up to date. This module is the only code that knows where the file lives and how the
 * schema moves forward (docs/architecture.md, "A migration").
 */
export function openDatabase(options: { dataDir: string; inMemory: boolean }): Db {
  let file = ':memory:';
  if (!options.inMemory) {
    // The database holds password hashes and session digests: owner-only directory and file.
    // A directory that already exists keeps its mode (it may be shared); the file does not.
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    file = join(options.dataDir, DATABASE_FILE);
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    // SQLite gives its -wal and -shm files the database file's mode.
    chmodSync(file, 0o600);
  }
  const db = new Database(file);
  // WAL lets the CLI (verify-audit) read while the server writes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // create-admin may run while the server is up: wait for its write lock rather than fail.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Every `NNN_name.sql` in migrations/, in number order. */
export function migrationFiles(): { version: number; name: string }[] {
  return readdirSync(migrationsDir)
    .filter((name) => /^\d{3}_.+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 3)), name }));
}

/**
 * Applies the numbered migrations newer than `PRAGMA user_version`, each in its own transaction
 * together with the version bump, so a failed migration leaves the previous version intact.
 */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = migrationFiles();
  const newest = files.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `The database is at schema version ${current}, newer than this code knows (${newest}); use a newer console server`,
    );
  }
  for (const { version, name } of files) {
    if (version <= current) continue;
    const sql = readFileSync(join(migrationsDir, name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
