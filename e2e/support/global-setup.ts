import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleBuildDir as consoleDir, startLocalServer } from './local-server';

/**
 * Starts one local server for the whole run: a fresh data directory, the seeded demo app,
 * the built console. Specs read its ready line from KPC_SERVER.
 */
export default async function globalSetup() {
  if (!existsSync(join(consoleDir, 'en', 'index.html'))) {
    throw new Error(
      `No console build in ${consoleDir}: run \`npm run build\` first (npm test does).`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kpc-e2e-data-'));
  const { child, ready } = await startLocalServer([
    '--data-dir',
    dataDir,
    '--seed-demo',
    '--console',
    consoleDir,
  ]);
  child.unref();
  process.env.KPC_SERVER = JSON.stringify({ ...ready, dataDir });
  // Teardown runs in this process, but keep the PID on disk too so a crashed run can be cleaned.
  writeFileSync(join(dataDir, 'server.pid'), String(child.pid));
}
