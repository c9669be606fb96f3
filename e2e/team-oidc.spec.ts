import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  PROVIDER_ID,
  TEST_ACCOUNTS,
  writeOidcConfig,
} from '../console-server/oidc/testing/sso-accounts';
import {
  startTestOidcProvider,
  type TestOidcProvider,
} from '../console-server/oidc/testing/test-oidc-provider';
import { consoleBuildDir } from './support/local-server';

const root = join(import.meta.dirname, '..');

/** The console server as its own process, serving the built console, with the OIDC config. */
async function startConsoleServer(
  oidcConfig: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'console-server/main.ts'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--in-memory',
      '--console',
      consoleBuildDir,
      '--oidc-config',
      oidcConfig,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`console server not ready: ${stderr}`)),
      30_000,
    );
    child.once('exit', (code) => reject(new Error(`console server exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { http: number }).http);
    });
  });
  child.removeAllListeners('exit');
  return { child, port };
}

/**
 * Single sign-on in Chromium: the sign-in page's SSO button, the provider's login and consent
 * pages (a real oidc-provider), back in the console signed in. The console is opened on
 * `localhost` and the provider runs on `127.0.0.1`, so the provider's redirect back is a
 * cross-site navigation, as with a real identity provider: the Lax flow cookie must come along
 * and the Strict session cookie must still be set.
 */
test.describe('team single sign-on', () => {
  let provider: TestOidcProvider;
  let server: { child: ChildProcess; port: number };
  let dir: string;
  let origin: string;

  test.beforeAll(async () => {
    provider = await startTestOidcProvider(structuredClone(TEST_ACCOUNTS));
    dir = mkdtempSync(join(tmpdir(), 'kpc-e2e-oidc-'));
    server = await startConsoleServer(writeOidcConfig(dir, provider.issuer));
    origin = `http://localhost:${server.port}`;
    provider.registerClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${origin}/team/api/session/oidc/${PROVIDER_ID}/callback`],
    });
  });

  test.afterAll(async () => {
    if (server?.child.exitCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      process.kill(server.child.pid!, 'SIGTERM');
      await exited;
    }
    await provider?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('signs in with the SSO button at the provider and comes back signed in with the mapped roles', async ({
    page,
    context,
  }) => {
    await page.goto(`${origin}/en/`);
    await expect(page).toHaveURL(/\/en\/sign-in/);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();

    await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
    await page.getByLabel('Username').fill('u-ada');
    await page.getByLabel('Password').fill('ada-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    await page.waitForURL((url) => url.origin === origin && !url.pathname.includes('sign-in'));
    // Signed in: the console's own calls carry the session, and the person is the provider's.
    const me = await page.request.get(`${origin}/team/api/me`);
    expect(me.status()).toBe(200);
    const body = (await me.json()) as { person: { login: string }; roles: unknown[] };
    expect(body.person.login).toBe('ada');
    expect(body.roles).toEqual([
      { appId: 'app1', role: 'operator' },
      { appId: 'app2', role: 'viewer' },
    ]);
    // The console's toolbar names the person the provider signed in.
    await expect(page.getByRole('button', { name: 'Signed in as Ada Lovelace' })).toBeVisible();
    await expect(page).not.toHaveURL(/sign-in/);

    const session = (await context.cookies(origin)).find((c) => c.name === 'kpc-session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    // The flow cookie is gone once used, and the client secret is nowhere the page can see.
    expect((await context.cookies(origin)).map((c) => c.name)).not.toContain('kpc-oidc');
    const storage = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(`${storage} ${JSON.stringify(await context.cookies())}`).not.toContain(CLIENT_SECRET);
  });

  test('shows on the sign-in page why the provider sign-in was refused', async ({ page }) => {
    await page.goto(`${origin}/en/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await page.getByLabel('Username').fill('u-eve');
    await page.getByLabel('Password').fill('eve-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    await expect(page).toHaveURL(new RegExp(`^${origin}/en/sign-in`));
    await expect(page.getByRole('alert')).toContainText('none of your groups gives a role');
    const me = await page.request.get(`${origin}/team/api/me`);
    expect(me.status()).toBe(401);
  });
});
