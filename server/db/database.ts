import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from './private-files';

export type Db = Database.Database;

const migrationsDir = join(import.meta.dirname, 'migrations');

/**
 * Opens the SQLite database (a file in dataDir, or memory) and brings its schema up to date
 * by applying the numbered migrations newer than `PRAGMA user_version`, each in a transaction.
 */
export function openDatabase(options: { dataDir: string; inMemory: boolean }): Db {
  let file = ':memory:';
  if (!options.inMemory) {
    ensurePrivateDir(options.dataDir);
    file = join(options.dataDir, 'kii-local.sqlite');
    ensurePrivateFile(file);
  }
  const db = new Database(file);
  // WAL keeps readers and the single writer out of each other's way; NORMAL sync is durable
  // across process crashes, which is what a development server needs.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(migrationsDir)
    .filter((name) => /^\d{3}_.+\.sql$/.test(name))
    .sort();
  for (const name of files) {
    const version = Number(name.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(join(migrationsDir, name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
