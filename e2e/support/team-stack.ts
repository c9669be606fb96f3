import { test as base } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { consoleBuildDir } from './local-server';

/** The demo people `npm start` creates, one per role. */
export const DEMO_PEOPLE = ['admin', 'operator', 'support', 'viewer'] as const;
export type DemoLogin = (typeof DEMO_PEOPLE)[number];

/** The launcher's ready line (console-server/demo/team-start.ts). */
interface TeamReady {
  console: string;
  consoleServerPid: number;
  kiiServerPid: number;
  kiiBaseUrl: string;
  appId: string;
  appKey: string;
  clientId: string;
  pid: number;
}

/**
 * The whole team stack as `npm start` runs it: the local Kii server (demo app, demo traffic)
 * and the console server serving the built console, started by the same launcher on ephemeral
 * 127.0.0.1 ports with a data dir of their own.
 */
export interface TeamStack {
  /** `http://127.0.0.1:<port>/`: open it in the browser. */
  consoleUrl: string;
  /** `http://127.0.0.1:<port>`, the Origin of the console's pages. */
  origin: string;
  /** Each demo person's password, from the launcher's stderr. */
  passwords: Record<DemoLogin, string>;
  appId: string;
  appKey: string;
  clientId: string;
  kiiBaseUrl: string;
  pids: { launcher: number; consoleServer: number; kiiServer: number };
  /** For the secret scan only: the demo app's admin client secret. Never give it to a page. */
  clientSecret: string;
  /**
   * For the secret scan: the app admin tokens the local Kii server issued so far (to the
   * console server) that occur in `text`. Kii keeps only their SHA-256 digests, so every run of
   * 43 base64url characters in the text is hashed and looked up.
   */
  adminTokensIn(text: string): string[];
  /** The texts holding the client secret or an admin token (empty when none leaked). */
  leaks(texts: readonly string[]): string[];
  /** SIGTERM to the launcher's PID (it stops both servers by theirs), then the data dir goes. */
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');
const TOKEN_LENGTH = 43;

function tokenCandidates(text: string): string[] {
  const found: string[] = [];
  for (const run of text.match(/[A-Za-z0-9_-]{43,}/g) ?? []) {
    for (let i = 0; i + TOKEN_LENGTH <= run.length; i++) found.push(run.slice(i, i + TOKEN_LENGTH));
  }
  return found;
}

/** Starts the team stack; stop it with `stop()` (the worker fixture below does). */
export async function startTeamStack(options: { demoTraffic?: number } = {}): Promise<TeamStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kpc-team-stack-'));
  const args = [
    '--import',
    'tsx',
    join(root, 'console-server/demo/team-start.ts'),
    '--console',
    consoleBuildDir,
    '--port',
    '0',
    '--kii-port',
    '0',
    '--mqtt-port',
    '0',
    '--data-dir',
    dataDir,
    '--demo-traffic',
    String(options.demoTraffic ?? 1),
  ];
  const launcher = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
  let stderr = '';
  const passwords: Partial<Record<DemoLogin, string>> = {};
  createInterface({ input: launcher.stderr! }).on('line', (line) => {
    stderr += `${line}\n`;
    const person = /^ {4}(admin|operator|support|viewer) +(\S+) /.exec(line);
    if (person) passwords[person[1] as DemoLogin] = person[2];
  });
  const stop = async () => {
    if (launcher.exitCode === null && launcher.signalCode === null)
      process.kill(launcher.pid!, 'SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const ready = await new Promise<TeamReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`team stack not ready in 90 s:\n${stderr}`)),
      90_000,
    );
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the team stack launcher exited:\n${stderr}`));
    });
    createInterface({ input: launcher.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as TeamReady);
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (DEMO_PEOPLE.some((login) => !passwords[login])) {
    await stop();
    throw new Error(`the launcher printed no password for every demo person:\n${stderr}`);
  }
  const clientSecret = readFileSync(join(dataDir, 'admin-client-secret'), 'utf8').trim();
  const kiiDb = join(dataDir, 'kii-local.sqlite');
  const adminDigests = () => {
    const db = new Database(kiiDb, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare<[], { token_hash: string }>(
          "SELECT token_hash FROM tokens WHERE principal_type = 'admin'",
        )
        .all();
      return new Set(rows.map((row) => row.token_hash));
    } finally {
      db.close();
    }
  };
  const adminTokensIn = (text: string) => {
    const digests = adminDigests();
    return tokenCandidates(text).filter((candidate) =>
      digests.has(createHash('sha256').update(candidate).digest('base64url')),
    );
  };
  return {
    consoleUrl: ready.console,
    origin: ready.console.replace(/\/$/, ''),
    passwords: passwords as Record<DemoLogin, string>,
    appId: ready.appId,
    appKey: ready.appKey,
    clientId: ready.clientId,
    kiiBaseUrl: ready.kiiBaseUrl,
    pids: {
      launcher: ready.pid,
      consoleServer: ready.consoleServerPid,
      kiiServer: ready.kiiServerPid,
    },
    clientSecret,
    adminTokensIn,
    leaks: (texts) =>
      texts.filter((text) => text.includes(clientSecret) || adminTokensIn(text).length > 0),
    stop,
  };
}

/**
 * Specs that need team mode: `teamTest('...', async ({ page, teamStack }) => ...)`. One stack
 * per worker (the suite runs one worker), started on first use.
 */
export const teamTest = base.extend<object, { teamStack: TeamStack }>({
  teamStack: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const stack = await startTeamStack();
      await use(stack);
      await stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

export { expect } from '@playwright/test';
