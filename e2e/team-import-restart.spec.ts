import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { expectNoSeriousViolations } from './support/axe';
import { consoleBuildDir, startLocalServer } from './support/local-server';

const root = join(import.meta.dirname, '..');

/** Runs `console-server/main.ts` with `args`; `stdin` is written and closed. */
function consoleServer(args: string[], stdin?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'console-server/main.ts', ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end(stdin);
  return child;
}

/** Serves the built console from `dataDir` on `port` (0: a free one); resolves with the port. */
function serve(dataDir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = consoleServer([
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--console',
    consoleBuildDir,
    '--allow-private-kii',
  ]);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`console server exited with ${code}: ${stderr}`)),
    );
    createInterface({ input: child.stdout! }).once('line', (line) => {
      child.removeAllListeners('exit');
      resolve({ child, port: (JSON.parse(line) as { http: number }).http });
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

test.describe('team registry import across a console server restart', () => {
  test('the dialog says the server stopped under the import, and Import again finishes it', async ({
    page,
    context,
  }) => {
    test.setTimeout(120_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'kpc-e2e-import-restart-'));
    const kii = await startLocalServer(['--in-memory', '--seed-demo']);
    let server: ChildProcess | undefined;
    try {
      const password = 'restart-spec-password-1';
      const admin = consoleServer(
        ['create-admin', '--login', 'boss', '--password-stdin', '--data-dir', dataDir],
        `${password}\n`,
      );
      await exited(admin);
      expect(admin.exitCode).toBe(0);

      const first = await serve(dataDir, 0);
      server = first.child;
      const origin = `http://127.0.0.1:${first.port}`;
      const signedIn = await context.request.post(`${origin}/team/api/session`, {
        headers: { origin, 'x-kpc-csrf': 'sign-in' },
        data: { login: 'boss', password },
      });
      expect(signedIn.status(), await signedIn.text()).toBe(200);
      const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
      const { appId, appKey, clientId, clientSecret, baseUrl } = kii.ready;
      const connected = await context.request.post(`${origin}/team/api/apps`, {
        headers: { origin, 'x-kpc-csrf': csrfToken },
        data: { appId, site: 'custom', baseUrl, appKey, clientId, clientSecret },
      });
      expect(connected.status(), await connected.text()).toBe(201);

      await page.goto(`${origin}/en/installations`);
      await page.getByRole('button', { name: 'Import into registry…' }).click();
      const dialog = page.getByRole('dialog', { name: "Import into the team's registry" });
      const refs = Array.from({ length: 5 }, (_, i) => `restart-missing-${i}`).join('\n');
      await dialog
        .getByRole('textbox', { name: 'Installation IDs or deviceType:registrationID' })
        .fill(refs);
      // Kii stops answering (its process is paused), so the import is still running when the
      // console server is killed.
      kii.child.kill('SIGSTOP');
      await dialog.getByRole('button', { name: 'Start import' }).click();
      await expect(dialog.getByText('Checked 0 of 5…')).toBeVisible();

      server.kill('SIGKILL');
      await exited(server);
      kii.child.kill('SIGCONT');
      // Same port, same data directory: the page's session cookie is still good.
      server = (await serve(dataDir, first.port)).child;

      await expect(
        dialog.getByText('The console server stopped while this import was running'),
      ).toBeVisible({ timeout: 30_000 });
      await expect(dialog.getByRole('button', { name: 'Close', exact: true })).toBeEnabled();
      await expectNoSeriousViolations(page, 'the import dialog after a restart');

      await dialog.getByRole('button', { name: 'Import again' }).click();
      await expect(dialog.getByText('Checked 5 of 5: 0 exist, 5 gone, 0 refused.')).toBeVisible();
      await expect(dialog.getByRole('button', { name: 'Import again' })).toHaveCount(0);
    } finally {
      kii.child.kill('SIGCONT');
      if (server?.pid && server.exitCode === null) process.kill(server.pid, 'SIGTERM');
      if (kii.child.pid && kii.child.exitCode === null) process.kill(kii.child.pid, 'SIGTERM');
      if (server) await exited(server);
      await exited(kii.child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
