/**
 * The stack `npm run bench:team` measures: the local Kii server (in memory) and the console
 * server as two processes on ephemeral ports, the demo app connected through the API, the demo
 * people, and `registryRows` rows in the demo app's installations registry.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer } from '../console-server/demo/child-server';
import { connectDemoApp, LauncherClient } from '../console-server/demo/connect-demo-app';
import { resetDemoPeople, type DemoPerson } from '../console-server/demo/demo-people';
import { openDatabase } from '../console-server/db/database';
import type { KiiAppCredentials } from '../console-server/kii/admin-tokens';
import { startLocalKii, type LocalKiiProcess } from '../console-server/kii/local-kii-process';
import { startKiiCloudStandIn } from './kii-cloud-stand-in';
import { insertRegistryRows } from './registry-rows';

/** What else a stack needs besides its registry rows. */
export interface TeamBenchStackOptions {
  /** The built console (its `browser` folder) for the console server to serve. */
  consoleDir?: string;
  /**
   * Connect the demo app through a Kii Cloud stand-in (bench/kii-cloud-stand-in.ts): the console
   * server then lists it from the registry, as it does a Kii Cloud app.
   */
  kiiCloud?: boolean;
  /** Run bench/console-server-entry.ts with `--audit-off`: the audit trail records nothing. */
  auditOff?: boolean;
  /** Write the console server's V8 CPU profile into this directory when it stops. */
  cpuProfDir?: string;
}

export interface TeamBenchStack {
  kii: LocalKiiProcess;
  app: KiiAppCredentials;
  consolePid: number;
  origin: string;
  people: DemoPerson[];
  /** The console server's data directory (its SQLite file). */
  dataDir: string;
  /** A signed-in API client for a demo person. */
  signIn(login: string): Promise<LauncherClient>;
  stop(): Promise<void>;
}

/** The demo app's registry, as a large import would leave it. */
function fillRegistry(teamDir: string, appId: string, rows: number): void {
  const db = openDatabase({ dataDir: teamDir, inMemory: false });
  insertRegistryRows(db, rows, () => appId);
  db.close();
}

export async function startTeamBenchStack(
  registryRows: number,
  options: TeamBenchStackOptions = {},
): Promise<TeamBenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'kpc-team-bench-'));
  const kii = await startLocalKii({ extraArgs: ['--log-level', 'warn'] });
  const app = kii.credentials;
  const people = await resetDemoPeople({ dataDir: dir, appId: app.appId });
  fillRegistry(dir, app.appId, registryRows);
  const standIn = options.kiiCloud ? await startKiiCloudStandIn(app.baseUrl) : undefined;
  const root = join(import.meta.dirname, '..');
  const server = await startChildServer<{ api: string }>({
    name: 'console-server',
    script: options.auditOff
      ? join(import.meta.dirname, 'console-server-entry.ts')
      : join(root, 'console-server/main.ts'),
    cwd: root,
    nodeArgs: options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [],
    // The local Kii server listens on loopback, a private target the flag allows.
    args: [
      ...['--port', '0', '--data-dir', dir, '--log-level', 'warn', '--allow-private-kii'],
      ...(options.consoleDir ? ['--console', options.consoleDir] : []),
      ...(options.auditOff ? ['--audit-off'] : []),
    ],
  }).catch(async (error: unknown) => {
    await standIn?.close();
    await kii.stop();
    throw error;
  });
  const origin = server.ready.api.replace(/\/team\/api$/, '');
  const passwordOf = (login: string) => people.find((p) => p.login === login)!.password;
  await connectDemoApp({
    origin,
    admin: { login: 'admin', password: passwordOf('admin') },
    app: standIn ? { ...app, baseUrl: standIn.baseUrl } : app,
  });
  return {
    kii,
    app,
    consolePid: server.pid,
    origin,
    people,
    dataDir: dir,
    async signIn(login) {
      const client = new LauncherClient(origin);
      await client.call('POST', '/session', { login, password: passwordOf(login) });
      return client;
    },
    async stop() {
      await server.stop();
      await standIn?.close();
      await kii.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
