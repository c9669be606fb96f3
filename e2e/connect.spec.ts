import { expect, test } from './support/fixtures';

test.describe('connect', () => {
  test('says which credentials were wrong, and when the app does not exist', async ({
    page,
    server,
  }) => {
    await page.goto('/en/connect');
    await expect(page.getByRole('textbox', { name: 'App ID' })).toHaveValue(server.appId);
    const alert = page.getByRole('alert');

    await page.getByRole('textbox', { name: 'Client secret' }).fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(alert).toContainText(
      'The client ID or client secret was not accepted. Check the client ID and secret.',
    );
    await expect(page.getByRole('heading', { name: 'Signed in' })).toHaveCount(0);

    await page.getByRole('radio', { name: 'User', exact: true }).click();
    await page.getByRole('textbox', { name: 'Username' }).fill('alice');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong-pass');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(alert).toContainText(
      'The username or password was not accepted. Check the username and password.',
    );

    await page.getByRole('textbox', { name: 'App ID' }).fill('no-such-app');
    await page.getByRole('textbox', { name: 'Password' }).fill('alice-pass');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(alert).toContainText('The app was not found. Check the app ID and the site.');
  });

  test('a reload keeps the saved profile and the session, but not the secret', async ({
    page,
    server,
  }) => {
    await page.goto('/en/connect');
    await expect(page.getByRole('textbox', { name: 'App ID' })).toHaveValue(server.appId);
    await page.getByRole('textbox', { name: 'Client secret' }).fill(server.clientSecret);
    await expect(
      page.getByRole('checkbox', { name: 'Remember the secret in this browser' }),
    ).not.toBeChecked();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
    await expect(page.getByText(`${server.appId} · This local server`)).toBeVisible();
    await expect(page.getByText(`App admin: ${server.clientId}`)).toBeVisible();
    await expect(page.getByText('secret remembered')).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Client ID' })).toHaveValue(server.clientId);
    await expect(page.getByRole('textbox', { name: 'Client secret' })).toHaveValue('');
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(server.clientSecret);
  });
});
