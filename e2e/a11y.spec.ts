import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { kiiAdmin, signInAsAdmin, unique } from './support/console';

/**
 * axe-core on every page and every open dialog, in the light and the dark theme: no violation
 * of impact serious or critical. Checks are soft, so one run lists everything that is wrong.
 * The light run applies every rule; the dark run only the rules the theme can change (colours),
 * which keeps the spec under a minute on two cores.
 */
const themeRules = ['color-contrast', 'link-in-text-block'];

/** Waits for running animations (dialog and ripple fades) to end: contrast is measured then. */
async function settled(page: Page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== 'running'),
  );
}

/** Runs axe on what the page shows now and records serious and critical violations. */
async function expectNoSeriousViolations(page: Page, where: string, rules?: string[]) {
  await settled(page);
  const builder = new AxeBuilder({ page });
  const { violations } = await (rules ? builder.withRules(rules) : builder).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(' | ')}`);
  expect.soft(serious, `axe on ${where}`).toEqual([]);
}

for (const theme of ['Light', 'Dark'] as const) {
  test(`no serious or critical axe violations, ${theme.toLowerCase()} theme`, async ({
    page,
    request,
    server,
  }) => {
    const rules = theme === 'Dark' ? themeRules : undefined;
    const check = (where: string) => expectNoSeriousViolations(page, `${where} (${theme})`, rules);
    /** Opens a dialog, checks the page with it open, and closes it with Escape. */
    const checkDialog = async (name: string | RegExp, open: () => Promise<void>) => {
      await open();
      const dialog = page.getByRole('dialog', { name });
      await expect(dialog).toBeVisible();
      await check(`dialog ${name}`);
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
    };
    const admin = kiiAdmin(request, server);
    const userID = await admin.registerUser(unique('a11y-user'));
    const { installationID } = await admin.install({ userID });

    await page.goto('/en/connect');
    await page.getByRole('button', { name: 'Theme' }).click();
    await page.getByRole('menuitemradio', { name: theme }).click();
    await expect(page.locator('html')).toHaveClass(new RegExp(`kpc-theme-${theme.toLowerCase()}`));
    await expect(page.getByRole('heading', { level: 1, name: 'Connect' })).toBeVisible();
    await check('Connect, signed out');

    await signInAsAdmin(page, server);
    await check('Connect, signed in');

    await page.getByRole('link', { name: 'Installations' }).click();
    const table = page.getByRole('table', { name: 'All installations of the app' });
    await expect(table.getByRole('row').nth(1)).toBeVisible();
    await check('Installations');
    await checkDialog('Install push', () =>
      page.getByRole('button', { name: 'Install…' }).click(),
    );
    await page.getByRole('searchbox', { name: 'Filter' }).fill(installationID);
    await checkDialog('Uninstall this installation?', () =>
      page.getByRole('button', { name: `Uninstall ${installationID}` }).click(),
    );
    await checkDialog('Uninstall many', () =>
      page.getByRole('button', { name: 'Uninstall many…' }).click(),
    );

    await page.goto(`/en/installations/${installationID}`);
    await expect(page.getByRole('button', { name: 'Show password' })).toBeVisible();
    await check('installation detail');

    await page.getByRole('link', { name: 'Topics' }).click();
    const topics = page.getByRole('table', { name: 'Topics of App scope' });
    await expect(topics.getByRole('row', { name: /announcements/ })).toBeVisible();
    await check('Topics');
    await checkDialog('Delete topic announcements?', () =>
      page.getByRole('button', { name: 'Delete topic announcements' }).click(),
    );

    await page.getByRole('link', { name: 'Compose push' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Compose push' })).toBeVisible();
    await check('Compose push');

    await page.getByRole('link', { name: 'Live traffic' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Live traffic' })).toBeVisible();
    await check('Live traffic');
    await checkDialog(/monitor/i, () => page.getByRole('button', { name: 'New monitor' }).click());
    await checkDialog('Keyboard shortcuts', () =>
      page.getByRole('button', { name: 'Keyboard shortcuts' }).click(),
    );
  });
}

/**
 * The Japanese build: every page again, light theme, all rules. Longer labels and another
 * script change layout and wrapping, not structure, so the dialogs (checked above) are not
 * walked twice; the page must say it is Japanese (`lang`), or screen readers read it as English.
 */
test('no serious or critical axe violations on the Japanese pages', async ({
  page,
  request,
  server,
}) => {
  const admin = kiiAdmin(request, server);
  const userID = await admin.registerUser(unique('a11y-ja-user'));
  const { installationID } = await admin.install({ userID });
  await page.emulateMedia({ colorScheme: 'light' });
  await signInAsAdmin(page, server);

  const pages: [path: string, heading: string, ready?: () => Promise<void>][] = [
    ['connect', '接続'],
    [
      'installations',
      'インストール',
      () => expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible(),
    ],
    [
      `installations/${installationID}`,
      'インストール',
      () => expect(page.getByText(installationID).first()).toBeVisible(),
    ],
    ['topics', 'トピック', () => expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible()],
    ['compose', 'プッシュ通知の作成'],
    ['live', 'ライブトラフィック'],
  ];
  for (const [path, heading, ready] of pages) {
    await page.goto(`/ja/${path}`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await ready?.();
    await expectNoSeriousViolations(page, `/ja/${path}`);
  }
});
