import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page } from '@playwright/test';

import { expectSnackBar, unique } from './support/console';
import { demoKii, signInByApi, signInOnPage } from './support/team-pages';
import { DEMO_PEOPLE, expect, teamTest as test, type TeamStack } from './support/team-stack';

/*
 * Team mode as a person meets it: the console served by the console server signs people in,
 * shows each role what it may do (and hides the rest), installs and uninstalls through
 * /team/api, and says clearly when the server refuses. The server is the guard (its own specs
 * cover every role x route); these check the UI against the real stack.
 */

async function axeClean(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target).join(' | ')}`);
  expect(serious, `axe on ${where}`).toEqual([]);
}

/** As the demo admin through the API: a new person with `role` on the demo app. */
async function newPerson(request: APIRequestContext, stack: TeamStack, role: string) {
  const signIn = await request.post(`${stack.origin}/team/api/session`, {
    headers: { origin: stack.origin, 'x-kpc-csrf': 'sign-in' },
    data: { login: 'admin', password: stack.passwords.admin },
  });
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const headers = { origin: stack.origin, 'x-kpc-csrf': csrfToken };
  const login = unique('person').toLowerCase();
  const password = `pw-${login}-long-enough`;
  const created = await request.post(`${stack.origin}/team/api/people`, {
    headers,
    data: { login, displayName: login, password, roles: [{ appId: stack.appId, role }] },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: number };
  return {
    login,
    password,
    /** Gives the person another role, as a team admin would while they work. */
    setRole: async (next: string) => {
      const changed = await request.put(`${stack.origin}/team/api/people/${id}/roles`, {
        headers,
        data: { roles: [{ appId: stack.appId, role: next }] },
      });
      expect(changed.status(), await changed.text()).toBe(200);
    },
  };
}

test.describe('team mode', () => {
  test('signs in with a password, shows who and which role, and signs out', async ({
    page,
    teamStack,
  }) => {
    // The console finds out by itself that it is in team mode: Connect is not offered.
    await page.goto(`${teamStack.origin}/en/connect`);
    await expect(page).toHaveURL(/\/en\/sign-in$/);
    await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'App key' })).toHaveCount(0);
    await axeClean(page, 'the sign-in page');

    await signInOnPage(page, teamStack, 'operator');
    const status = page.getByRole('button', { name: /Signed in as/ });
    await expect(status).toContainText(`Operator · ${teamStack.appId}`);
    await axeClean(page, 'the Installations page in team mode');

    await status.click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible();
    await page.goto(`${teamStack.origin}/en/installations`);
    await expect(page).toHaveURL(/\/en\/sign-in$/);
  });

  test('says how long sign-in is locked after too many wrong passwords', async ({
    page,
    request,
    teamStack,
  }) => {
    const person = await newPerson(request, teamStack, 'viewer');
    await page.goto(`${teamStack.origin}/en/sign-in`);
    const alert = page.getByRole('alert');
    await page.getByRole('textbox', { name: 'Login name' }).fill(person.login);
    // The console server locks after 5 failures (console-server/config.ts).
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByRole('textbox', { name: 'Password' }).fill(`wrong-${attempt}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect(alert).toContainText(attempt < 5 ? 'Wrong login name or password' : 'locked');
    }
    await expect(alert).toContainText('Sign-in is locked: try again in 15 min');
    // Even the right password waits for the lock to end.
    await page.getByRole('textbox', { name: 'Password' }).fill(person.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(alert).toContainText('try again in 15 min');
    await expect(page).toHaveURL(/\/en\/sign-in$/);
  });

  test('signs in with the keyboard only', async ({ page, teamStack }) => {
    await page.goto(`${teamStack.origin}/en/sign-in`);
    const login = page.getByRole('textbox', { name: 'Login name' });
    for (
      let tab = 0;
      tab < 30 && !(await login.evaluate((e) => e === document.activeElement));
      tab++
    )
      await page.keyboard.press('Tab');
    await expect(login).toBeFocused();
    await page.keyboard.type('support');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('textbox', { name: 'Password' })).toBeFocused();
    await page.keyboard.type(teamStack.passwords.support);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Installations', level: 1 })).toBeVisible();
  });

  for (const role of DEMO_PEOPLE) {
    test(`shows ${role} what the role allows and nothing more`, async ({ browser, teamStack }) => {
      const may = {
        change: role === 'operator' || role === 'admin',
        push: role !== 'viewer',
      };
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInByApi(context, teamStack, role);

      await page.goto(`${teamStack.origin}/en/installations`);
      await expect(page.getByRole('heading', { name: 'Installations', level: 1 })).toBeVisible();
      await expect(page.getByRole('note')).toContainText('from the console server');
      // Viewing and looking up are every role's.
      await expect(page.getByRole('button', { name: 'Look up' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Install…' })).toHaveCount(may.change ? 1 : 0);
      await expect(page.getByRole('button', { name: /^Uninstall many/ })).toHaveCount(
        may.change ? 1 : 0,
      );
      // The listing from the console server: the demo app's rows, with who added each.
      const table = page.getByRole('table');
      await expect(table.getByRole('columnheader', { name: 'Added by' })).toBeVisible();
      const rowUninstalls = table.getByRole('button', { name: /^Uninstall / });
      if (may.change) await expect(rowUninstalls.first()).toBeVisible();
      else await expect(rowUninstalls).toHaveCount(0);
      // An installation's page: credentials only for operator and admin.
      await table.getByRole('link').first().click();
      await expect(page.getByRole('heading', { name: 'MQTT endpoint' })).toBeVisible();
      await expect(page.getByText('does not reveal MQTT credentials')).toHaveCount(
        may.change ? 0 : 1,
      );
      await expect(page.getByRole('button', { name: 'Uninstall…' })).toHaveCount(
        may.change ? 1 : 0,
      );

      await page.goto(`${teamStack.origin}/en/topics`);
      await expect(page.getByRole('heading', { name: 'Topics', level: 1 })).toBeVisible();
      await expect(page.getByRole('table')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Create topic' })).toHaveCount(
        may.change ? 1 : 0,
      );

      await page.goto(`${teamStack.origin}/en/compose`);
      await expect(page.getByRole('heading', { name: 'Compose push', level: 1 })).toBeVisible();
      if (may.push) {
        await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeVisible();
      } else {
        await expect(page.getByRole('alert')).toContainText('does not allow test pushes');
        await expect(page.getByRole('button', { name: 'Send', exact: true })).toHaveCount(0);
      }
      await context.close();
    });
  }

  test('installs and uninstalls through the console server, and a refusal reads cleanly', async ({
    page,
    request,
    teamStack,
  }) => {
    const kii = demoKii(request, teamStack);
    const userID = await kii.registerUser(unique('team-user'));
    const person = await newPerson(request, teamStack, 'operator');
    await signInOnPage(page, teamStack, person.login, person.password);

    await page.getByRole('button', { name: 'Install…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Install push' });
    // Team mode names users by ID only: the console server has no lookup by login name.
    await expect(dialog.getByRole('textbox', { name: 'Login name' })).toHaveCount(0);
    await dialog.getByRole('textbox', { name: 'User ID' }).fill(userID);
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog.getByRole('status')).toContainText(`Installed MQTT push for User`);
    await dialog.getByRole('button', { name: 'Open details' }).click();
    await expect(page).toHaveURL(/\/en\/installations\/[^/]+$/);
    const installationID = decodeURIComponent(page.url().split('/').pop()!);
    expect((await kii.get(`/installations/${installationID}`)).status()).toBe(200);

    // The shared registry names who added it.
    await page.getByRole('link', { name: 'All installations' }).click();
    await page.getByRole('searchbox', { name: 'Filter' }).fill(installationID);
    await expect(page.getByRole('row', { name: new RegExp(installationID) })).toContainText(
      person.login,
    );
    await page.getByRole('link', { name: installationID }).click();
    await page.getByRole('button', { name: 'Uninstall…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Uninstall this installation?' });
    await confirm.getByRole('button', { name: 'Uninstall', exact: true }).click();
    await expect(page).toHaveURL(/\/en\/installations$/);
    await expectSnackBar(page, `Uninstalled ${installationID}`);
    expect((await kii.get(`/installations/${installationID}`)).status()).toBe(404);

    // A team admin lowers the role while the page is open: the server refuses, the UI says why.
    await person.setRole('viewer');
    await page.getByRole('button', { name: 'Install…' }).click();
    dialog = page.getByRole('dialog', { name: 'Install push' });
    await dialog.getByRole('textbox', { name: 'User ID' }).fill(userID);
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText(
      'Your role on this app does not allow this. Ask a team admin for a higher role.',
    );
  });

  test('bulk-uninstalls in one run of the console server, audited once with every item', async ({
    page,
    request,
    teamStack,
  }) => {
    const kii = demoKii(request, teamStack);
    const installed = [];
    for (const name of [unique('team-bulk-a'), unique('team-bulk-b')])
      installed.push(await kii.install({ userID: await kii.registerUser(name) }));
    const [a, b] = installed;
    const unknown = unique('no-such-installation');
    const person = await newPerson(request, teamStack, 'operator');
    await signInOnPage(page, teamStack, person.login, person.password);

    await page.getByRole('button', { name: 'Uninstall many…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Uninstall many' });
    await dialog
      .getByRole('textbox', { name: 'Installation IDs' })
      .fill(`${a.installationID}\n${unknown}\nMQTT:${b.installationRegistrationID}`);
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog).toContainText(
      'Dry run: 2 will be uninstalled, 1 not found, 0 refused, 0 failed.',
    );
    expect((await kii.get(`/installations/${a.installationID}`)).status()).toBe(200);
    await dialog.getByRole('button', { name: 'Uninstall 2' }).click();
    await expect(dialog).toContainText('Done: 2 uninstalled, 1 not found, 0 refused, 0 failed.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    for (const one of installed)
      expect((await kii.get(`/installations/${one.installationID}`)).status()).toBe(404);

    // One audit entry per run (the dry run, then the run), each with every item's Kii outcome.
    const audit = await page.request.get(`${teamStack.origin}/team/api/audit`, {
      params: { person: person.login, action: 'installation.bulk-uninstall' },
    });
    expect(audit.status()).toBe(200);
    const { entries } = (await audit.json()) as {
      entries: { target: string; status: number; details: Record<string, unknown> }[];
    };
    expect(entries.map((entry) => [entry.target, entry.details['dryRun']])).toEqual([
      ['2 installations', false],
      ['3 installations', true],
    ]);
    expect(entries[0].details['results']).toEqual([
      { ref: a.installationID, status: 'uninstalled', kii: { status: 204 } },
      { ref: `MQTT:${b.installationRegistrationID}`, status: 'uninstalled', kii: { status: 204 } },
    ]);
    expect(entries[1].details['results']).toContainEqual({
      ref: unknown,
      status: 'not-found',
      kii: { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' },
    });
    const single = await page.request.get(`${teamStack.origin}/team/api/audit`, {
      params: { person: person.login, action: 'installation.uninstall' },
    });
    expect(((await single.json()) as { entries: unknown[] }).entries).toEqual([]);
  });
});
