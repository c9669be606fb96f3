import type { Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { kiiAdmin, unique } from './support/console';
import { expectFocusVisible, tabTo } from './support/keyboard';

/**
 * Every flow with the keyboard alone: Tab / Shift+Tab to move, Enter / Space to act, arrows in
 * radio groups, Escape to close. No click(), no fill(): typing goes through page.keyboard too.
 * Each focus stop is checked to be visible, and dialogs give focus back to their opener.
 */

async function type(page: Page, text: string) {
  await page.keyboard.type(text);
}

/** Signs in on Connect with the keyboard. */
async function signIn(page: Page, clientSecret: string) {
  await page.goto('/en/connect');
  await tabTo(page, page.getByRole('textbox', { name: 'Client secret' }));
  await type(page, clientSecret);
  await tabTo(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
}

/** Follows a side-navigation link with the keyboard. */
async function navigate(page: Page, name: string) {
  await tabTo(page, page.getByRole('link', { name }), { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test.describe('keyboard only', () => {
  test('installs a user, reveals and copies the password, uninstalls, uninstalls many', async ({
    page,
    context,
    request,
    server,
  }) => {
    const admin = kiiAdmin(request, server);
    const loginName = unique('kbd-user');
    await admin.registerUser(loginName);
    const others = [
      await admin.install({ userID: await admin.registerUser(unique('kbd-bulk')) }),
      await admin.install({ userID: await admin.registerUser(unique('kbd-bulk')) }),
    ];
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.origin,
    });

    await signIn(page, server.clientSecret);
    await navigate(page, 'Installations');

    // Escape closes a dialog and focus returns to the button that opened it.
    const installButton = page.getByRole('button', { name: 'Install…' });
    await tabTo(page, installButton);
    await page.keyboard.press('Enter');
    let dialog = page.getByRole('dialog', { name: 'Install push' });
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(installButton).toBeFocused();
    await expectFocusVisible(page);

    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await tabTo(page, dialog.getByRole('textbox', { name: 'Login name' }));
    await type(page, loginName);
    await tabTo(page, dialog.getByRole('button', { name: 'Install', exact: true }));
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('status')).toContainText(loginName);
    await tabTo(page, dialog.getByRole('button', { name: 'Open details' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/installations\/[^/]+$/);
    const installationID = decodeURIComponent(page.url().split('/').pop()!);

    await tabTo(page, page.getByRole('button', { name: 'Show password' }));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('button', { name: 'Copy password' }));
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/\S{8,}/);

    await tabTo(page, page.getByRole('link', { name: 'All installations' }), { back: true });
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('searchbox', { name: 'Filter' }));
    await type(page, installationID);
    const uninstall = page.getByRole('button', { name: `Uninstall ${installationID}` });
    await tabTo(page, uninstall);
    await page.keyboard.press('Enter');
    dialog = page.getByRole('dialog', { name: 'Uninstall this installation?' });
    await tabTo(page, dialog.getByRole('button', { name: 'Uninstall', exact: true }));
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(uninstall).toHaveCount(0);
    // The opener left with its row: focus lands on the table's filter, not the page body.
    await expect(page.getByRole('searchbox', { name: 'Filter' })).toBeFocused();
    expect((await admin.get(`/installations/${installationID}`)).status()).toBe(404);

    const bulkButton = page.getByRole('button', { name: 'Uninstall many…' });
    await tabTo(page, bulkButton, { back: true });
    await page.keyboard.press('Enter');
    dialog = page.getByRole('dialog', { name: 'Uninstall many' });
    await tabTo(page, dialog.getByRole('textbox', { name: 'Installation IDs' }));
    await type(page, others.map((one) => one.installationID).join('\n'));
    await tabTo(page, dialog.getByRole('button', { name: 'Dry run' }));
    await page.keyboard.press('Enter');
    await expect(dialog).toContainText('Dry run: 2 will be uninstalled');
    await tabTo(page, dialog.getByRole('button', { name: 'Uninstall 2' }));
    await page.keyboard.press('Enter');
    await expect(dialog).toContainText('Done: 2 uninstalled');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(bulkButton).toBeFocused();
    for (const one of others) {
      expect((await admin.get(`/installations/${one.installationID}`)).status()).toBe(404);
    }
  });

  test('starts and pauses a monitor, and sends a test push', async ({ page, server }) => {
    await signIn(page, server.clientSecret);
    await navigate(page, 'Live traffic');
    const newMonitor = page.getByRole('button', { name: 'New monitor' });
    await tabTo(page, newMonitor);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    // A radio group is one Tab stop (its checked radio); arrows move the choice.
    await tabTo(page, dialog.getByRole('radiogroup').first());
    for (let step = 0; step < 5; step++) {
      if (await dialog.getByRole('radio', { name: 'All traffic' }).isChecked()) break;
      await page.keyboard.press('ArrowDown');
    }
    await expect(dialog.getByRole('radio', { name: 'All traffic' })).toBeChecked();
    await tabTo(page, dialog.getByRole('button', { name: 'Start' }));
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    const card = page.getByRole('region', { name: 'All traffic' });
    await expect(card.getByRole('status')).toContainText('Connected', { timeout: 15_000 });
    await tabTo(page, card.getByRole('button', { name: 'Pause' }));
    await page.keyboard.press('Enter');
    await expect(card.getByRole('button', { name: 'Resume' })).toBeFocused();

    await navigate(page, 'Compose push');
    await tabTo(page, page.getByRole('combobox', { name: 'Topic' }));
    await type(page, 'announcements');
    await page.keyboard.press('Escape');
    const data = page.getByRole('group', { name: 'Data', exact: true });
    await tabTo(page, data.getByRole('textbox', { name: 'Key' }).first());
    await type(page, 'greeting');
    await tabTo(page, data.getByRole('textbox', { name: 'Value' }).first());
    await type(page, unique('kbd-hello'));
    await tabTo(page, page.getByRole('button', { name: 'Send', exact: true }));
    await page.keyboard.press('Enter');
    const recent = page.getByRole('table', { name: 'Recent sends' });
    await expect(recent.getByRole('row', { name: /app topic announcements/ })).toBeVisible();
  });
});
