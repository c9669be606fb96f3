import type { Page, Response } from '@playwright/test';

import { unique } from './support/console';
import { demoKii, installOnPage, signInOnPage } from './support/team-pages';
import { expect, teamTest as test } from './support/team-stack';

/**
 * The promise: the browser never receives an app admin client secret or an app admin
 * token. A full team session (sign in, install, reveal the MQTT endpoint, test push, uninstall,
 * audit, people, sign out) records every response's status line, headers and body, every
 * cookie, and localStorage, sessionStorage and IndexedDB after each step; then the client
 * secret and every admin token the local Kii server issued are looked for in all of it.
 */
test('no app admin secret or admin token reaches the browser during a full session', async ({
  page,
  context,
  request,
  teamStack,
}) => {
  test.setTimeout(120_000);
  const seen: string[] = [];
  const entry = (status: number, url: string, headers: string[], body: string) =>
    [`${status} ${url}`, ...headers, '', body].join('\n');
  // Every API answer as the browser gets it: the route fetches it and fulfils the browser's
  // request with that very answer, so its body is read here and never asked of Chromium, which
  // now and then has none to give ("No data found for resource", seen for API answers read
  // after a route change, once for the endpoint's answer).
  await page.route('**/team/api/**', async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const headers = response.headersArray().map(({ name, value }) => `${name}: ${value}`);
    const body = (await response.body()).toString('utf8');
    seen.push(entry(response.status(), route.request().url(), headers, body));
    await route.fulfill({ response });
  });
  // Everything else (the console's own files) as Chromium reports it; a body it cannot give is
  // fetched again after the session: static files are the same for every request.
  const unreadFiles: string[] = [];
  const pending: Promise<void>[] = [];
  const record = async (response: Response) => {
    if (response.url().includes('/team/api/')) return;
    let body = '';
    try {
      body = (await response.body()).toString('utf8');
    } catch {
      if (response.status() === 200) unreadFiles.push(response.url());
    }
    const headers = Object.entries(await response.allHeaders()).map(([k, v]) => `${k}: ${v}`);
    seen.push(entry(response.status(), response.url(), headers, body));
  };
  page.on('response', (response) => pending.push(record(response)));
  const snapshot = async (step: string) => {
    seen.push(`cookies after ${step}: ${JSON.stringify(await context.cookies())}`);
    seen.push(`storage after ${step}: ${await browserStorage(page)}`);
  };

  const kii = demoKii(request, teamStack);
  const userLogin = unique('scan');
  const userID = await kii.registerUser(userLogin);

  await signInOnPage(page, teamStack, 'operator');
  await snapshot('sign-in');

  // Install, then the installation's page with its MQTT endpoint revealed.
  const installationID = await installOnPage(page, userID);
  await page.getByRole('button', { name: 'Show password' }).click();
  await snapshot('endpoint');

  // A test push straight to the user.
  await page.getByRole('link', { name: 'Compose push' }).click();
  await page.getByRole('combobox', { name: 'Send to' }).click();
  await page.getByRole('option', { name: 'One user directly' }).click();
  await page.getByRole('textbox', { name: 'User ID' }).fill(userID);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Recent sends' }).getByRole('row')).toHaveCount(2);
  await snapshot('push');

  // Uninstall from the list.
  await page.getByRole('link', { name: 'Installations' }).click();
  await page.getByRole('searchbox', { name: 'Filter' }).fill(installationID);
  await page.getByRole('button', { name: `Uninstall ${installationID}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Uninstall this installation?' });
  await confirm.getByRole('button', { name: 'Uninstall', exact: true }).click();
  await expect(page.getByRole('button', { name: `Uninstall ${installationID}` })).toHaveCount(0);

  // The operator's own audit trail, then sign out and the admin's people and whole trail.
  await page.getByRole('link', { name: 'Audit' }).click();
  const trail = page.getByRole('table', { name: 'Audit entries, newest first' });
  await expect(trail).toContainText('installation.uninstall');
  await expect(trail).toContainText('installation.credentials.reveal');
  await expect(trail).toContainText('push.send');
  await snapshot('audit');
  await signOut(page);
  await snapshot('sign-out');

  await signInOnPage(page, teamStack, 'admin');
  await page.getByRole('link', { name: 'People & roles' }).click();
  // In the people table: the admin lands on Installations, whose "Added by" cells may read
  // operator too (other specs on the same stack install as the operator) until People is shown.
  await expect(
    page
      .getByRole('table', { name: 'People and their roles' })
      .getByRole('row')
      // The demo operator's row: other specs on the same stack add people with operator roles.
      .filter({ has: page.getByRole('cell', { name: 'operator', exact: true }) }),
  ).toBeVisible();
  // The Apps page lists the connected app: never its key or secret.
  await page.getByRole('link', { name: 'Apps', exact: true }).click();
  await expect(page.getByRole('table')).toContainText(teamStack.appId);
  await snapshot('apps');
  await page.getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('table', { name: 'Audit entries, newest first' })).toContainText(
    'installation.install',
  );
  await snapshot('admin');
  await signOut(page);
  await snapshot('admin sign-out');
  await Promise.all(pending);
  for (const url of unreadFiles) {
    const again = await request.get(url);
    seen.push(entry(again.status(), url, [], (await again.body()).toString('utf8')));
  }

  // The scan looked at the whole session, the endpoint's answer included.
  const api = seen.filter((text) => text.includes('/team/api/'));
  expect(api.length).toBeGreaterThan(20);
  expect(seen.some((text) => /\/mqtt-endpoint\n[\s\S]*"password"/.test(text))).toBe(true);
  // ... the httpOnly session cookie, and storage holding the chosen app.
  const cookies = seen.filter((text) => text.startsWith('cookies after sign-in'));
  expect(cookies.join()).toContain('"httpOnly":true');
  expect(seen.filter((text) => text.startsWith('storage after')).join()).toContain('kpc-team-app');
  expect(teamStack.leaks(seen)).toEqual([]);
});

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Signed in as/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** Everything the page keeps: localStorage, sessionStorage and every IndexedDB record. */
function browserStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump = (storage: Storage) =>
      Object.fromEntries(
        Array.from({ length: storage.length }, (_, i) => storage.key(i)!).map((key) => [
          key,
          storage.getItem(key),
        ]),
      );
    const databases: Record<string, unknown> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        databases[`${info.name}/${store}`] = await new Promise((resolve, reject) => {
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        });
      }
      db.close();
    }
    return JSON.stringify({
      local: dump(localStorage),
      session: dump(sessionStorage),
      indexedDB: databases,
    });
  });
}
