import { kiiAdmin, signInAsAdmin, unique } from './support/console';
import { expect, test } from './support/fixtures';

test.describe('live traffic after an uninstall', () => {
  test("says the broker refused the monitored installation's credentials, not that it was unreachable", async ({
    page,
    server,
    request,
  }) => {
    const admin = kiiAdmin(request, server);
    const login = unique('gone-user');
    const userID = await admin.registerUser(login);
    const { installationID } = await admin.install({ userID });

    await signInAsAdmin(page, server);
    await page.goto(`/en/live?installation=${installationID}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Take over and watch' }).click();
    const card = page.getByRole('region', { name: `Installation of user ${login}` });
    await expect(card.getByRole('status')).toContainText('Connected', { timeout: 15_000 });
    await card.getByRole('button', { name: 'Timeline' }).click();
    const timeline = card.getByRole('list', { name: 'Connection timeline, newest first' });

    // Uninstalled elsewhere (another console, the device's own app): the broker drops the
    // connection and forgets the credentials.
    const token = await request.post(`${server.baseUrl}/oauth2/token`, {
      headers: { 'x-kii-appid': server.appId, 'x-kii-appkey': server.appKey },
      data: { client_id: server.clientId, client_secret: server.clientSecret },
    });
    const deleted = await request.delete(
      `${server.baseUrl}/apps/${server.appId}/installations/${installationID}`,
      {
        headers: {
          'x-kii-appid': server.appId,
          'x-kii-appkey': server.appKey,
          authorization: `Bearer ${(await token.json()).access_token}`,
        },
      },
    );
    expect(deleted.status()).toBe(204);

    // The broker refuses the old credentials, the endpoint is gone with the installation: the
    // monitor stops and says so, and no entry claims the broker could not be reached.
    await expect(card.getByRole('alert')).toContainText(
      'The installation no longer exists: it was uninstalled',
      { timeout: 30_000 },
    );
    await expect(card.getByRole('status')).toContainText('Stopped on an error');
    const entries = (await timeline.getByRole('listitem').allInnerTexts()).join('\n');
    expect(entries).not.toContain('could not be reached');
    expect(entries).toMatch(
      /The broker refused the connection \(return code 4: .*no longer valid|The broker closed the connection without accepting it/,
    );
  });
});
