import { expect, test } from './support/fixtures';

test.describe('console shell', () => {
  test('loads, switches to Japanese and back, and never leaves 127.0.0.1', async ({
    page,
    offHostRequests,
  }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/en\/connect$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Connect' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    await page.getByRole('button', { name: /Language/ }).click();
    await page.getByRole('menuitemradio', { name: '日本語' }).click();
    await expect(page).toHaveURL(/\/ja\/connect$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page.getByRole('heading', { level: 1, name: '接続' })).toBeVisible();

    // The choice is remembered: the bare address now opens the Japanese console.
    await page.goto('/');
    await expect(page).toHaveURL(/\/ja\/connect$/);

    await page.getByRole('button', { name: /言語/ }).click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/en\/connect$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Connect' })).toBeVisible();

    expect(offHostRequests).toEqual([]);
  });

  test('offers this local server with the demo app pre-filled', async ({ page, server }) => {
    await page.goto('/en/connect');
    await expect(page.getByRole('combobox', { name: /Site/ })).toContainText('This local server');
    await expect(page.getByRole('textbox', { name: 'App ID' })).toHaveValue(server.appId);
  });
});
