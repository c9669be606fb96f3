import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database';
import { startChildServer, type ChildServer } from '../demo/child-server';
import { guardedFetch } from '../kii/guarded-fetch';
import { startLocalKii, type LocalKiiProcess } from '../kii/local-kii-process';
import { hashPassword } from '../people/passwords';
import { createPeopleRepository } from '../people/people-repository';
import {
  expectOk,
  startTestConsoleServer,
  TeamClient,
  TEST_PASSWORD,
  TEST_PASSWORD_COST,
  type TestConsoleServer,
} from '../testing/test-console-server';
import type { ImportJob } from './import-jobs';

const root = join(import.meta.dirname, '..', '..');

/** Imports of installation IDs Kii does not have: each verdict is `gone`. */
const csvOf = (count: number) =>
  Array.from({ length: count }, (_, i) => `missing-installation-${i}`).join('\n');

describe('registry import jobs across a console server restart', () => {
  let kii: LocalKiiProcess;
  let dataDir: string;

  beforeAll(async () => (kii = await startLocalKii()), 60_000);
  afterAll(async () => kii?.stop());
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'kpc-imports-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A team admin (admin on every app), signed in; the local Kii app connected through the API. */
  async function adminOf(origin: string, connect: boolean): Promise<TeamClient> {
    const admin = new TeamClient(origin);
    await expectOk(await admin.signIn('boss'));
    if (connect) {
      const { appId, baseUrl, appKey, clientId, clientSecret } = kii.credentials;
      await expectOk(
        await admin.request('POST', '/team/api/apps', {
          body: { appId, site: 'custom', baseUrl, appKey, clientId, clientSecret },
        }),
      );
    }
    return admin;
  }

  const base = () => `/team/api/apps/${kii.credentials.appId}`;

  async function startImport(client: TeamClient, rows: number): Promise<string> {
    const started = await expectOk<{ jobId: string }>(
      await client.request('POST', `${base()}/installations/import`, {
        body: csvOf(rows),
        headers: { 'content-type': 'text/csv' },
      }),
    );
    return started.jobId;
  }

  async function jobOf(client: TeamClient, jobId: string): Promise<ImportJob> {
    return expectOk<ImportJob>(await client.request('GET', `${base()}/imports/${jobId}`));
  }

  async function auditOf(client: TeamClient, jobId: string) {
    const page = await expectOk<{ entries: { action: string; errorCode: string | null }[] }>(
      await client.request('GET', '/team/api/audit?action=installation.import.done'),
    );
    return page.entries.filter((entry) => JSON.stringify(entry).includes(jobId));
  }

  describe('in process, on the same data directory', () => {
    let server: TestConsoleServer | undefined;
    afterEach(async () => server?.close());

    const start = (fetch?: typeof globalThis.fetch) =>
      startTestConsoleServer({ inMemory: false, dataDir }, fetch ? { kii: { fetch } } : {});

    it('answers GET .../imports/:jobId for a finished import after a restart, results and all', async () => {
      server = await start();
      await server.addPerson('boss', [{ appId: '*', role: 'admin' }]);
      const before = await adminOf(server.origin, true);
      const jobId = await startImport(before, 3);
      let finished: ImportJob;
      for (let polls = 0; ; polls++) {
        finished = await jobOf(before, jobId);
        if (finished.state !== 'running') break;
        expect(polls).toBeLessThan(500);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(finished.state).toBe('done');
      await server.close();

      server = await start();
      const after = await adminOf(server.origin, false);
      const again = await jobOf(after, jobId);
      expect(again).toEqual(finished);
      expect(again.results!.map((item) => item.status)).toEqual(['gone', 'gone', 'gone']);
    });

    it('reads an import the shutdown stopped as failed, INTERRUPTED, with what it had checked', async () => {
      // Kii's answers to installation lookups wait until the spec lets them go.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const guarded = guardedFetch({ allowPrivate: true });
      const gatedFetch: typeof fetch = async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes('/installations/missing-installation-')) await gate;
        return guarded(input, init);
      };
      server = await start(gatedFetch);
      await server.addPerson('boss', [{ appId: '*', role: 'admin' }]);
      const before = await adminOf(server.origin, true);
      const jobId = await startImport(before, 50);
      expect((await jobOf(before, jobId)).state).toBe('running');
      // The shutdown aborts the run; the lookups already sent finish once released.
      const closing = server.close();
      release();
      await closing;

      server = await start(gatedFetch);
      const after = await adminOf(server.origin, false);
      const job = await jobOf(after, jobId);
      expect(job.state).toBe('failed');
      expect(job.stoppedBy?.errorCode).toBe('INTERRUPTED');
      expect(job.stoppedBy?.message).toContain('import the file again');
      expect(job.finishedAt).toEqual(jasmine.any(Number));
      // The lookups in flight (4 at a time) got their verdicts; the rest were never checked.
      expect(job.counts.gone).toBeGreaterThan(0);
      expect(job.counts.gone).toBeLessThan(50);
      expect(job.counts.gone + job.counts['not-checked']).toBe(50);
      expect(job.results!.length).toBe(50);
      expect((await auditOf(after, jobId)).map((entry) => entry.errorCode)).toEqual([
        'INTERRUPTED',
      ]);
    });
  });

  describe('as a real process that is killed', () => {
    let server: ChildServer<{ http: number }> | undefined;
    afterEach(async () => {
      // Never leave the Kii server stopped for the next spec.
      kii.child.kill('SIGCONT');
      await server?.stop();
    });

    /** `node console-server/main.ts serve` on the data directory; resolves with its origin. */
    async function serve(): Promise<string> {
      server = await startChildServer<{ http: number }>({
        name: 'console-server',
        script: 'console-server/main.ts',
        args: ['--port', '0', '--data-dir', dataDir, '--allow-private-kii'],
        cwd: root,
      });
      return `http://127.0.0.1:${server.ready.http}`;
    }

    it('reads an import cut off by SIGKILL as failed, INTERRUPTED, and audits its end at the next start', async () => {
      // The person exists before the server starts, as create-admin would leave them.
      const db = openDatabase({ dataDir, inMemory: false });
      const people = createPeopleRepository(db);
      const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);
      people.setRoles(people.create({ login: 'boss', displayName: 'Boss', passwordHash }).id, [
        { appId: '*', role: 'admin' },
      ]);
      db.close();

      const before = await adminOf(await serve(), true);
      // Kii stops answering (the process is paused), so the import cannot finish on its own.
      kii.child.kill('SIGSTOP');
      const jobId = await startImport(before, 20);
      expect((await jobOf(before, jobId)).state).toBe('running');
      server!.child.kill('SIGKILL');
      await server!.exited;
      kii.child.kill('SIGCONT');

      const after = await adminOf(await serve(), false);
      const job = await jobOf(after, jobId);
      expect(job.state).toBe('failed');
      expect(job.stoppedBy?.errorCode).toBe('INTERRUPTED');
      expect(job.total).toBe(20);
      expect(job.results).toBeUndefined();
      expect((await auditOf(after, jobId)).map((entry) => entry.errorCode)).toEqual([
        'INTERRUPTED',
      ]);
    }, 60_000);
  });
});
