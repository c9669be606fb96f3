import { expect, test } from './support/fixtures';
import { kiiAdmin, signInAsAdmin, unique } from './support/console';

test.describe('topics', () => {
  test('sends the operator to Connect when nobody is signed in', async ({ page }) => {
    await page.goto('/en/topics');
    await expect(page).toHaveURL(/\/en\/connect$/);
  });

  test('creates an app topic, subscribes a user, checks, unsubscribes and deletes it', async ({
    page,
    request,
    server,
    offHostRequests,
  }) => {
    const loginName = unique('u');
    await kiiAdmin(request, server).registerUser(loginName);
    const topic = unique('t');

    await signInAsAdmin(page, server);
    await page.getByRole('link', { name: 'Topics' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Topics' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Topics of App scope' });
    await expect(table.getByRole('row', { name: /announcements/ })).toBeVisible();

    await page.getByRole('textbox', { name: 'New topic name' }).fill(topic);
    await page.getByRole('button', { name: 'Create topic' }).click();
    await expect(table.getByRole('row', { name: new RegExp(topic) })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'New topic name' })).toHaveValue('');

    await table
      .getByRole('row', { name: new RegExp(topic) })
      .getByRole('button', { name: 'Subscriptions' })
      .click();
    await expect(page.getByRole('heading', { name: `Subscriptions of ${topic}` })).toBeVisible();
    await page.getByRole('textbox', { name: 'Login name' }).fill(loginName);
    const status = page.getByRole('status');

    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await expect(status).toHaveText(`Yes: user ${loginName} subscribes to ${topic}.`);
    // The server agrees.
    const userId = (
      await (await kiiAdmin(request, server).get(`/users/LOGIN_NAME:${loginName}`)).json()
    ).userID;
    const check = await kiiAdmin(request, server).get(
      `/topics/${topic}/push/subscriptions/users/${userId}`,
    );
    expect(check.status()).toBe(204);

    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await expect(page.getByText(/PUSH_SUBSCRIPTION_ALREADY_EXISTS/)).toBeVisible();

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect(status).toHaveText(`No: user ${loginName} does not subscribe to ${topic}.`);
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(status).toHaveText(`No: user ${loginName} does not subscribe to ${topic}.`);

    await page.getByRole('button', { name: `Delete topic ${topic}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete topic ${topic}?` });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    // While the modal dialog is open the table is hidden from the accessibility tree, so the
    // row count only means something once the dialog is gone.
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`Topic ${topic} deleted.`)).toBeVisible();
    await expect(table.getByRole('row', { name: new RegExp(topic) })).toHaveCount(0);
    await expect(table.getByRole('row', { name: /announcements/ })).toBeVisible();
    expect((await kiiAdmin(request, server).get(`/topics/${topic}`)).status()).toBe(404);
    expect(offHostRequests).toEqual([]);
  });

  test("manages a user's own topic, found by login name", async ({ page, request, server }) => {
    const loginName = unique('owner');
    await kiiAdmin(request, server).registerUser(loginName);
    const topic = unique('mine');

    await signInAsAdmin(page, server);
    await page.goto('/en/topics');
    await page.getByRole('radio', { name: 'User' }).first().click();
    await page.getByRole('textbox', { name: 'Login name' }).fill(loginName);
    await page.getByRole('button', { name: 'Show topics' }).click();
    const table = page.getByRole('table', { name: `Topics of User ${loginName}` });
    await expect(table).toBeVisible();

    await page.getByRole('textbox', { name: 'New topic name' }).fill(topic);
    await page.getByRole('button', { name: 'Create topic' }).click();
    await table
      .getByRole('row', { name: new RegExp(topic) })
      .getByRole('button', { name: 'Subscriptions' })
      .click();
    await page.getByRole('textbox', { name: 'Login name' }).last().fill(loginName);
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(
      `Yes: user ${loginName} subscribes to ${topic}.`,
    );
  });

  test('says when a user does not exist', async ({ page, server }) => {
    await signInAsAdmin(page, server);
    await page.goto('/en/topics');
    await page.getByRole('radio', { name: 'User' }).first().click();
    await page.getByRole('textbox', { name: 'Login name' }).fill(unique('nobody'));
    await page.getByRole('button', { name: 'Show topics' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The topics could not be loaded');
    await expect(alert).toContainText('USER_NOT_FOUND');
    await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
  });
});
