import type { Page } from '@playwright/test';

import { expect, test } from './support/fixtures';

/**
 * Light and dark: the console follows the OS until the operator picks a theme, remembers the
 * pick across reloads and languages, and follows the OS again on "Follow the system".
 * The page's real colours are checked, not only a class: what the operator sees is what counts.
 */

/** Whether the page background is dark (relative luminance of the body's background). */
async function looksDark(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const probe = document.createElement('div');
    probe.style.color = getComputedStyle(document.body).backgroundColor;
    document.body.appendChild(probe);
    const [r, g, b] = getComputedStyle(probe)
      .color.match(/[\d.]+/g)!
      .map(Number);
    probe.remove();
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
  });
}

async function pickTheme(page: Page, menu: string, choice: string) {
  await page.getByRole('button', { name: menu }).click();
  await page.getByRole('menuitemradio', { name: choice }).click();
  await expect(page.getByRole('menu')).toHaveCount(0);
}

test.describe('theme', () => {
  test('follows the OS, live, while nothing is picked', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/en/connect');
    await expect(page.getByRole('heading', { level: 1, name: 'Connect' })).toBeVisible();
    await expect.poll(() => looksDark(page)).toBe(true);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => looksDark(page)).toBe(false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => looksDark(page)).toBe(true);
  });

  test('remembers a picked theme over the OS, across reloads and languages, until Follow the system', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/en/connect');
    await pickTheme(page, 'Theme', 'Dark');
    await expect.poll(() => looksDark(page)).toBe(true);
    await expect(page.locator('html')).toHaveClass(/kpc-theme-dark/);

    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Connect' })).toBeVisible();
    await expect.poll(() => looksDark(page)).toBe(true);

    await page.getByRole('button', { name: /Language/ }).click();
    await page.getByRole('menuitemradio', { name: '日本語' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '接続' })).toBeVisible();
    await expect.poll(() => looksDark(page)).toBe(true);
    await page.getByRole('button', { name: 'テーマ' }).click();
    await expect(page.getByRole('menuitemradio', { name: 'ダーク' })).toBeChecked();
    await page.keyboard.press('Escape');

    // The OS turning dark and back changes nothing while Dark is picked.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => looksDark(page)).toBe(true);

    await pickTheme(page, 'テーマ', 'システムの設定に従う');
    await expect.poll(() => looksDark(page)).toBe(false);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: '接続' })).toBeVisible();
    await expect.poll(() => looksDark(page)).toBe(false);
    await expect(page.locator('html')).not.toHaveClass(/kpc-theme-/);
  });
});
