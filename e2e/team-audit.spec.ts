import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

import { unique } from './support/console';
import { tabTo } from './support/keyboard';
import { addPerson, demoKii, signInByApi } from './support/team-pages';
import { expect, teamTest as test } from './support/team-stack';

/**
 * The Audit page with the keyboard alone (filters, paging, CSV export), and roles changed on
 * the People page reaching the person's own console after a reload.
 */
test.describe('team audit and roles', () => {
  test('the audit page works with the keyboard alone: filters, older entries, CSV export', async ({
    page,
    context,
    request,
    teamStack,
  }) => {
    // Arrange: someone of our own does 55 lookups that succeed and one that fails.
    const login = unique('kb').toLowerCase();
    const password = await addPerson(request, teamStack, {
      login,
      roles: [{ appId: teamStack.appId, role: 'viewer' }],
    });
    const kii = demoKii(request, teamStack);
    const userID = await kii.registerUser(unique('kb-user'));
    const { installationID } = await kii.install({ userID });
    const signIn = await request.post(`${teamStack.origin}/team/api/session`, {
      headers: { origin: teamStack.origin, 'x-kpc-csrf': 'sign-in' },
      data: { login, password },
    });
    expect(signIn.status()).toBe(200);
    const lookup = (ref: string) =>
      request.get(`${teamStack.origin}/team/api/apps/${teamStack.appId}/installations/${ref}`);
    for (let i = 0; i < 55; i++) expect((await lookup(installationID)).status()).toBe(200);
    expect((await lookup('no-such-installation')).status()).toBe(404);

    await signInByApi(context, teamStack, 'admin');
    await page.goto(`${teamStack.origin}/en/installations`);
    await tabTo(page, page.getByRole('link', { name: 'Audit' }), { back: true });
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
    await expect(page.getByText('You see the whole trail')).toBeVisible();

    // Person, action and outcome, then Enter in the person field applies them.
    await tabTo(page, page.getByRole('textbox', { name: 'Person (login)' }));
    await page.keyboard.type(login);
    await tabTo(page, page.getByRole('combobox', { name: 'Action' }));
    await page.keyboard.press('Enter');
    await pickOption(page, 'Installation lookup');
    await tabTo(page, page.getByRole('combobox', { name: 'Outcome' }));
    await page.keyboard.press('Enter');
    await pickOption(page, 'Refused or failed');
    await tabTo(page, page.getByRole('button', { name: 'Apply filters' }));
    await page.keyboard.press('Enter');
    const table = page.getByRole('table', { name: 'Audit entries, newest first' });
    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText(login);
    await expect(rows.nth(1)).toContainText('no-such-installation');
    await expect(rows.nth(1)).toContainText('Failed (404)');
    await expect(rows.nth(1)).toContainText('INSTALLATION_NOT_FOUND');
    await expect(rows.nth(1)).toContainText('127.0.0.1');

    // Any outcome: 50 of 56, then the older ones through the keyboard.
    await tabTo(page, page.getByRole('combobox', { name: 'Outcome' }), { back: true });
    await page.keyboard.press('Enter');
    await pickOption(page, 'Any outcome');
    await tabTo(page, page.getByRole('button', { name: 'Apply filters' }));
    await page.keyboard.press('Enter');
    await expect(rows).toHaveCount(51);
    await tabTo(page, page.getByRole('button', { name: 'Load older entries' }));
    await page.keyboard.press('Enter');
    await expect(rows).toHaveCount(57);
    await expect(page.getByRole('button', { name: 'Load older entries' })).toHaveCount(0);

    // The export is the server's CSV of the same filters.
    await tabTo(page, page.getByRole('link', { name: 'Export CSV' }), { back: true });
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,time,person,app,action,target,status,errorCode,clientAddress,details,prevHash,hash',
    );
    expect(lines.length).toBe(57);
    expect(lines.slice(1).every((line) => line.includes(`,${login},`))).toBe(true);
    expect(lines.filter((line) => line.includes('INSTALLATION_NOT_FOUND')).length).toBe(1);
  });

  test('an admin changes a person’s roles on the People page; the person sees it after a reload', async ({
    browser,
    teamStack,
  }) => {
    const admin = await browser.newContext();
    const person = await browser.newContext();
    try {
      const adminPage = await admin.newPage();
      await signInByApi(admin, teamStack, 'admin');
      await adminPage.goto(`${teamStack.origin}/en/installations`);
      await adminPage.getByRole('link', { name: 'People & roles' }).click();
      await expect(adminPage.getByRole('heading', { name: 'People & roles' })).toBeVisible();

      // Add someone with the viewer role on the demo app, with a generated password.
      const appRole = new RegExp(`^Role on .*${teamStack.appId}`);
      const login = unique('rolf').toLowerCase();
      await adminPage.getByRole('button', { name: 'Add person…' }).click();
      const add = adminPage.getByRole('dialog', { name: 'Add a person' });
      await add.getByRole('textbox', { name: 'Login' }).fill(login);
      await add.getByRole('textbox', { name: 'Display name' }).fill('Rolf <b>R</b>');
      await add.getByRole('button', { name: 'Generate' }).click();
      const password = await add.getByRole('textbox', { name: 'Initial password' }).inputValue();
      await add.getByRole('combobox', { name: appRole }).click();
      await adminPage.getByRole('option', { name: 'Viewer' }).click();
      await add.getByRole('button', { name: 'Add person' }).click();
      await expect(add).toHaveCount(0);
      const row = adminPage.getByRole('row').filter({ hasText: login });
      await expect(row).toContainText('Rolf <b>R</b>');
      await expect(row).toContainText(`Viewer on ${teamStack.appId}`);

      const page = await person.newPage();
      await signInByApi(person, teamStack, login, password);
      await page.goto(`${teamStack.origin}/en/audit`);
      await expect(page.getByText('You see your own actions.')).toBeVisible();
      await expect(page.getByRole('textbox', { name: 'Person (login)' })).toHaveCount(0);
      await expect(page.getByRole('link', { name: 'People & roles' })).toHaveCount(0);

      // Admin on every app instead.
      await row.getByRole('button', { name: `Change roles of ${login}` }).click();
      const roles = adminPage.getByRole('dialog', { name: `Roles of ${login}` });
      await roles.getByRole('combobox', { name: appRole }).click();
      await adminPage.getByRole('option', { name: 'No role' }).click();
      await roles.getByRole('combobox', { name: 'Every app' }).click();
      await adminPage.getByRole('option', { name: 'Admin' }).click();
      await roles.getByRole('button', { name: 'Save roles' }).click();
      await expect(row).toContainText('Admin on every app');

      await page.reload();
      await expect(page.getByText('You see the whole trail')).toBeVisible();
      await expect(page.getByRole('textbox', { name: 'Person (login)' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'People & roles' })).toBeVisible();

      // Disabled: signed out everywhere, the next load finds no session.
      await row.getByRole('button', { name: `Disable ${login}` }).click();
      await expect(row).toContainText('Disabled');
      expect((await page.request.get(`${teamStack.origin}/team/api/me`)).status()).toBe(401);
      await page.reload();
      await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toHaveCount(0);
    } finally {
      await admin.close();
      await person.close();
    }
  });
});

/** In an open select panel, goes Home then arrows down to the option named `name` and picks it with Enter. */
async function pickOption(page: Page, name: string) {
  const option = page.getByRole('option', { name, exact: true });
  await expect(option).toBeVisible();
  const options = page.getByRole('option');
  const index = (await options.allTextContents()).findIndex((text) => text.trim() === name);
  expect(index).toBeGreaterThanOrEqual(0);
  // Each key moves the active option in a later render: wait for it to arrive before the next
  // key. (Reading the class straight after a key raced the render: the loop then stepped past
  // the option and Enter picked the last one.)
  const active = /mat-mdc-option-active/;
  await page.keyboard.press('Home');
  await expect(options.first()).toHaveClass(active);
  for (let step = 1; step <= index; step++) {
    await page.keyboard.press('ArrowDown');
    await expect(options.nth(step)).toHaveClass(active);
  }
  await page.keyboard.press('Enter');
  await expect(option).toHaveCount(0);
}
