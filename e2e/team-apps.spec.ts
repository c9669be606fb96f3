import { test as base, type Locator, type Page } from '@playwright/test';

import { expectNoSeriousViolations } from './support/axe';
import { tabTo } from './support/keyboard';
import { signInByApi } from './support/team-pages';
import { expect, startTeamStack, teamTest as test, type TeamStack } from './support/team-stack';

/*
 * The Connected apps page against the real console server and the local Kii server. On the
 * shared stack nothing is changed (other specs work on its demo app): only refused connects.
 * Disconnecting and connecting again run on a stack of this spec's own.
 */

const WRONG_SECRET = 'not-the-client-secret';

/** Types into the field that has focus, replacing what it held. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** Fills the connect dialog with the keyboard alone: focus starts in the App ID field. */
async function typeConnectForm(
  page: Page,
  dialog: Locator,
  stack: TeamStack,
  appId: string,
  secret: string,
): Promise<void> {
  await expect(dialog.getByRole('textbox', { name: 'App ID' })).toBeFocused();
  await retype(page, appId);
  await tabTo(page, dialog.getByRole('textbox', { name: 'Label' }));
  await retype(page, 'Typed in e2e');
  await tabTo(page, dialog.getByRole('combobox', { name: 'Site' }));
  // A closed select steps through its options with the arrow keys: us, jp, sg, eu, custom.
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await expect(dialog.getByRole('combobox', { name: 'Site' })).toContainText('Custom base URL');
  await tabTo(page, dialog.getByRole('textbox', { name: 'Base URL' }));
  await retype(page, stack.kiiBaseUrl);
  await tabTo(page, dialog.getByRole('textbox', { name: 'App key' }));
  await retype(page, stack.appKey);
  await tabTo(page, dialog.getByRole('textbox', { name: 'Client ID' }));
  await retype(page, stack.clientId);
  await tabTo(page, dialog.getByRole('textbox', { name: 'Client secret' }));
  await retype(page, secret);
}

test('an admin opens Apps with the keyboard; connecting again and unknown apps are refused in the dialog', async ({
  page,
  context,
  teamStack,
}) => {
  await signInByApi(context, teamStack, 'admin');
  await page.goto(`${teamStack.origin}/en/installations`);
  await tabTo(page, page.getByRole('link', { name: 'Apps' }), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Connected apps', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Connected apps and your role on each' });
  const demoRow = table.getByRole('row').filter({ hasText: teamStack.appId });
  await expect(demoRow).toContainText('Admin');
  await expect(demoRow).toContainText(teamStack.kiiBaseUrl);
  await expectNoSeriousViolations(page, 'Apps page');

  await tabTo(page, page.getByRole('button', { name: 'Connect an app…' }), { back: true });
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Connect a Kii app' });
  await expect(dialog).toBeVisible();
  const secret = dialog.getByRole('textbox', { name: 'Client secret' });
  await expect(secret).toHaveAttribute('type', 'password');
  await expect(secret).toHaveAttribute('autocomplete', 'off');

  // The demo app once more: the console server refuses before asking Kii.
  await typeConnectForm(page, dialog, teamStack, teamStack.appId, WRONG_SECRET);
  await page.keyboard.press('Enter');
  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('This app is already connected.');
  await expect(alert).toContainText('APP_ALREADY_CONNECTED');
  await expectNoSeriousViolations(page, 'connect dialog with a refusal');

  // An app ID Kii does not know, with a wrong client secret: Kii refuses, nothing is stored.
  await tabTo(page, dialog.getByRole('textbox', { name: 'App ID' }), { back: true });
  await retype(page, 'no-such-app-e2e');
  await page.keyboard.press('Enter');
  await expect(alert).toContainText('Kii refused these credentials, so nothing was stored.');
  await expect(dialog.getByRole('textbox', { name: 'Client ID' })).toHaveValue(teamStack.clientId);
  await expectNoSeriousViolations(page, 'connect dialog with Kii refusing');

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(table.getByRole('row').filter({ hasText: 'no-such-app-e2e' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Connect an app…' })).toBeFocused();
});

base(
  'on a stack of its own: disconnect the demo app, a wrong secret refused by Kii, connected again',
  async ({ browser }) => {
    base.setTimeout(150_000);
    const stack = await startTeamStack();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signInByApi(context, stack, 'admin');
      await page.goto(`${stack.origin}/en/apps`);
      const table = page.getByRole('table', { name: 'Connected apps and your role on each' });
      await expect(table.getByRole('row').filter({ hasText: stack.appId })).toBeVisible();

      await page.getByRole('button', { name: `Disconnect ${stack.appId}` }).click();
      const confirm = page.getByRole('dialog', { name: /^Disconnect .*\?$/ });
      await expect(confirm).toContainText('registry keeps the app');
      await expect(confirm).toContainText('people keep their roles on it');
      await expectNoSeriousViolations(page, 'disconnect dialog');
      await confirm.getByRole('button', { name: 'Disconnect', exact: true }).click();
      await expect(page.getByText('No connected app gives you a role yet.')).toBeVisible();

      // With no app left, the app choice leads a team admin to the Apps page.
      await page.goto(`${stack.origin}/en/choose-app`);
      await expect(page.getByText('You hold no role on any connected app yet.')).toBeVisible();
      await page.getByRole('link', { name: 'Connect an app on the Apps page' }).click();
      await expect(page.getByRole('heading', { name: 'Connected apps', level: 1 })).toBeVisible();
      await page.getByRole('button', { name: 'Connect an app…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Connect a Kii app' });
      await typeConnectForm(page, dialog, stack, stack.appId, WRONG_SECRET);
      await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect(dialog.getByRole('alert')).toContainText('Kii refused these credentials');
      await expect(dialog.getByRole('alert')).toContainText('invalid_grant');

      await dialog.getByRole('textbox', { name: 'Client secret' }).fill(stack.clientSecret);
      await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect(dialog).toHaveCount(0);
      const row = table.getByRole('row').filter({ hasText: stack.appId });
      await expect(row).toContainText('Typed in e2e');
      await expect(row).toContainText('admin');
      // The secret typed in is nowhere in the page once the dialog closed.
      expect(stack.leaks([await page.content()])).toEqual([]);
    } finally {
      await context.close();
      await stack.stop();
    }
  },
);

test('the Apps page and its dialogs are axe clean in Japanese', async ({
  page,
  context,
  teamStack,
}) => {
  await signInByApi(context, teamStack, 'admin');
  await page.goto(`${teamStack.origin}/ja/apps`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('heading', { name: '接続済みアプリ', level: 1 })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: teamStack.appId })).toBeVisible();
  await expectNoSeriousViolations(page, 'ja Apps page');

  await page.getByRole('button', { name: 'アプリを接続…' }).click();
  const connect = page.getByRole('dialog', { name: 'Kii アプリを接続' });
  await connect.getByRole('button', { name: '接続', exact: true }).click();
  await expect(connect.getByText('必須です。').first()).toBeVisible();
  await expectNoSeriousViolations(page, 'ja connect dialog, fields refused');
  await page.keyboard.press('Escape');
  await expect(connect).toHaveCount(0);

  // Opened and cancelled only: the shared stack's demo app stays connected.
  await page.getByRole('button', { name: `${teamStack.appId} を切断` }).click();
  const disconnect = page.getByRole('dialog', { name: /を切断しますか/ });
  await expect(disconnect).toContainText('レジストリ');
  await expectNoSeriousViolations(page, 'ja disconnect dialog');
  await disconnect.getByRole('button', { name: 'キャンセル' }).click();
  await expect(disconnect).toHaveCount(0);
  await expect(page.getByRole('row').filter({ hasText: teamStack.appId })).toBeVisible();
});
