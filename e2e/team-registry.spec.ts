import { unique } from './support/console';
import { demoKii, signInByApi } from './support/team-pages';
import { expect, teamTest as test } from './support/team-stack';

/** The team's shared installations registry: a CSV import verified against Kii. */
test.describe('team installations registry', () => {
  test('imports a CSV with one ID that does not exist: it is gone, the others exist', async ({
    page,
    context,
    request,
    teamStack,
  }) => {
    const kii = demoKii(request, teamStack);
    const first = await kii.install({ userID: await kii.registerUser(unique('imp-a')) });
    const second = await kii.install({ thingID: await kii.registerThing(unique('imp-b')) });
    const missing = unique('no-such-installation');

    await signInByApi(context, teamStack, 'operator');
    await page.goto(`${teamStack.origin}/en/installations`);
    await page.getByRole('button', { name: 'Import into registry…' }).click();
    const dialog = page.getByRole('dialog', { name: "Import into the team's registry" });
    const csv = [
      'installationID,note',
      `${first.installationID},first`,
      `MQTT:${second.installationRegistrationID},"by registration, quoted"`,
      `${missing},gone`,
      `${first.installationID},again`,
      'not a reference!',
    ].join('\r\n');
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'installations.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect(dialog.getByText('6 lines')).toBeVisible();
    await dialog.getByRole('button', { name: 'Start import' }).click();

    await expect(dialog.getByText('Checked 3 of 3: 2 exist, 1 gone, 0 refused.')).toBeVisible();
    await expect(dialog.getByText('Line 6: not a reference!')).toBeVisible();
    await expect(dialog.getByText('1 lines repeat an earlier one')).toBeVisible();
    const rows = dialog.getByRole('table', { name: 'Verdict per row' }).getByRole('row');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(1)).toContainText(first.installationID);
    await expect(rows.nth(1)).toContainText('exists');
    await expect(rows.nth(2)).toContainText(second.installationRegistrationID);
    await expect(rows.nth(2)).toContainText('exists');
    await expect(rows.nth(3)).toContainText(missing);
    await expect(rows.nth(3)).toContainText('gone');
    await expect(rows.nth(3)).toContainText('INSTALLATION_NOT_FOUND');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);

    // The verdicts are the team's: the registry answers them to anyone on the app.
    const registry = await request.get(
      `${teamStack.origin}/team/api/apps/${teamStack.appId}/installations?source=registry&status=gone&limit=500`,
      { headers: await cookieOf(context, teamStack.origin) },
    );
    const gone = (await registry.json()) as { installations: { installationID?: string }[] };
    expect(gone.installations.map((row) => row.installationID)).toContain(missing);
  });
});

/** The context's session cookie as a header, for reading the API in the test process. */
async function cookieOf(context: import('@playwright/test').BrowserContext, origin: string) {
  const cookies = await context.cookies(origin);
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}
