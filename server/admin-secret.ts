import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from './config';
import { ensurePrivateDir, ensurePrivateFile } from './db/private-files';
import { randomText } from './ids';

const SECRET_FILE = 'admin-client-secret';

/**
 * The app admin's client secret when none is given with --client-secret. A fixed default would
 * be known to every web page the developer opens, and the API answers any origin (as Kii Cloud
 * does), so a page could get an admin token with it. Instead each data directory gets its own
 * random secret, kept in a private file so that admin tokens survive restarts; an in-memory
 * server makes up a new one per run. The human banner on stderr and the console served by this
 * server (same-origin only) show it.
 */
export function withAdminSecret(config: ServerConfig): ServerConfig {
  if (config.clientSecret) return config;
  if (config.inMemory) return { ...config, clientSecret: randomText(32) };
  ensurePrivateDir(config.dataDir);
  const file = join(config.dataDir, SECRET_FILE);
  if (!existsSync(file)) writeFileSync(file, `${randomText(32)}\n`, { mode: 0o600, flag: 'wx' });
  ensurePrivateFile(file);
  return { ...config, clientSecret: readFileSync(file, 'utf8').trim() };
}
