import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data directory holds MQTT passwords and the generated app admin secret: it is created
 * readable by its owner only (0700). A directory that already exists is left as it is, since it
 * may be shared (`--data-dir /tmp`); the files in it are made private one by one.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Makes a file private to its owner (0600), creating it empty when missing. SQLite gives its
 * -wal and -shm files the database file's mode, so securing the database covers them too.
 */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
