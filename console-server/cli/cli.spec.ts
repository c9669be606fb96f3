import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleServer } from '../app';
import { createAuditRepository } from '../audit/audit-repository';
import { defaultConfig } from '../config';
import { DATABASE_FILE } from '../db/database';
import { TeamClient, expectOk } from '../testing/test-console-server';

const root = join(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs console-server/main.ts as a child process, as the README tells people to. */
function cli(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'console-server/main.ts', ...args], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Signs in against a real server on the data directory the CLI wrote. */
async function signIn(dataDir: string, login: string, password: string): Promise<Response> {
  const config = { ...defaultConfig, dataDir, port: 0, logLevel: 'silent' };
  const { app, port } = await startConsoleServer({ config });
  try {
    return await new TeamClient(`http://127.0.0.1:${port}`).signIn(login, password);
  } finally {
    await app.close();
  }
}

/** Each spec starts tsx child processes and hashes at the real scrypt cost: seconds, not ms. */
const SLOW = 30_000;

describe('console server command line', () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kpc-team-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A data directory whose trail holds the admin's creation and three more rows. */
  async function trailOfFourRows(): Promise<string> {
    const dataDir = join(dir, 'data');
    await cli(['create-admin', '--data-dir', dataDir, '--login', 'root']);
    const db = new Database(join(dataDir, DATABASE_FILE));
    const audit = createAuditRepository(db);
    for (let i = 0; i < 3; i++) audit.record({ person: 'root', action: 'test', status: 200 });
    db.close();
    return dataDir;
  }

  it(
    'create-admin reads the password from stdin; that admin can sign in',
    async () => {
      const dataDir = join(dir, 'data');
      const run = await cli(
        ['create-admin', '--data-dir', dataDir, '--login', 'Admin', '--password-stdin'],
        'a-password-from-stdin\n',
      );
      expect(run.code).withContext(run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('created admin');
      const me = await expectOk<{ roles: unknown[] }>(
        await signIn(dataDir, 'admin', 'a-password-from-stdin'),
      );
      expect(me.roles).toEqual([{ appId: '*', role: 'admin' }]);
    },
    SLOW,
  );

  it(
    'create-admin generates and prints a password when none is given, and refuses a taken login',
    async () => {
      const dataDir = join(dir, 'data');
      const run = await cli(['create-admin', '--data-dir', dataDir, '--login', 'root']);
      expect(run.code).withContext(run.stderr).toBe(0);
      const password = run.stdout.trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      await expectOk(await signIn(dataDir, 'root', password));
      const again = await cli(['create-admin', '--data-dir', dataDir, '--login', 'root']);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('taken');
      const short = await cli(
        ['create-admin', '--data-dir', dataDir, '--login', 'other', '--password-stdin'],
        'short\n',
      );
      expect(short.code).toBe(2);
    },
    SLOW,
  );

  it(
    'verify-audit says OK for an intact trail and names the first broken seq otherwise',
    async () => {
      const dataDir = await trailOfFourRows();

      const ok = await cli(['verify-audit', '--data-dir', dataDir]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toBe('OK: 4 audit rows, hash chain intact\n');

      // Tampering needs the triggers gone: what someone with the file, not the API, could do.
      const raw = new Database(join(dataDir, DATABASE_FILE));
      raw.exec('DROP TRIGGER audit_log_no_update');
      raw.prepare("UPDATE audit_log SET person = 'someone-else' WHERE seq = 3").run();
      raw.close();
      const broken = await cli(['verify-audit', '--data-dir', dataDir]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toBe('BROKEN at seq 3: hash does not match the row\n');

      const missing = await cli(['verify-audit', '--data-dir', join(dir, 'nowhere')]);
      expect(missing.code).toBe(2);
    },
    SLOW,
  );

  it(
    'verify-audit fails when the newest rows are cut from the end, though the chain left is intact',
    async () => {
      const dataDir = await trailOfFourRows();
      expect((await cli(['verify-audit', '--data-dir', dataDir])).code).toBe(0);

      const raw = new Database(join(dataDir, DATABASE_FILE));
      raw.exec('DROP TRIGGER audit_log_no_delete');
      raw.prepare('DELETE FROM audit_log WHERE seq >= 3').run();
      raw.close();
      const cut = await cli(['verify-audit', '--data-dir', dataDir]);
      expect(cut.code).toBe(1);
      expect(cut.stdout).toBe(
        'BROKEN at seq 3: rows cut from the end: the anchor records 4 rows ending at seq 4, the table holds 2\n',
      );
    },
    SLOW,
  );

  it(
    'serve prints one ready line without secrets and stops on SIGTERM with exit 0',
    async () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'console-server/main.ts',
          '--port',
          '0',
          '--data-dir',
          join(dir, 'data'),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const line = await new Promise<string>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
      });
      const ready = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(ready).sort()).toEqual([
        'api',
        'console',
        'dataDir',
        'http',
        'pid',
        'ready',
      ]);
      expect(ready['api']).toBe(`http://127.0.0.1:${ready['http']}/team/api`);
      const answer = await fetch(`${ready['api']}/me`);
      expect(answer.status).toBe(401);
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    },
    SLOW,
  );

  it(
    'refuses an unknown command or flag with the usage and exit 2',
    async () => {
      const run = await cli(['frobnicate']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Usage:');
      expect((await cli(['--no-such-flag'])).code).toBe(2);
    },
    SLOW,
  );
});
