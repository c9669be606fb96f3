import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

import { expect, test } from './support/fixtures';
import { expectSnackBar, kiiAdmin, signInAsAdmin, unique } from './support/console';

/** The Installations page, from the side navigation. */
async function openInstallations(page: Page) {
  await page.getByRole('link', { name: 'Installations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Installations' })).toBeVisible();
}

test.describe('installations', () => {
  test('sends the operator to Connect when nobody is signed in', async ({ page }) => {
    await page.goto('/en/installations');
    await expect(page).toHaveURL(/\/en\/connect$/);
  });

  test('installs a user and a thing, shows the endpoint, reveals and copies the password', async ({
    page,
    context,
    request,
    server,
    offHostRequests,
  }) => {
    const admin = kiiAdmin(request, server);
    const loginName = unique('inst-user');
    const vendorThingID = unique('inst-thing');
    const userID = await admin.registerUser(loginName);
    const thingID = await admin.registerThing(vendorThingID);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.origin,
    });

    await signInAsAdmin(page, server);
    await openInstallations(page);
    await expect(page.getByRole('note')).toContainText('Showing every installation of app demoapp');
    const table = page.getByRole('table', { name: 'All installations of the app' });
    await page.getByRole('searchbox', { name: 'Filter' }).fill('alice');
    await expect(table.getByRole('row', { name: /User alice/ })).toBeVisible();
    await page.getByRole('searchbox', { name: 'Filter' }).fill('');

    // A user, named by login name, in production.
    await page.getByRole('button', { name: 'Install…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Install push' });
    await dialog.getByRole('textbox', { name: 'Login name' }).fill(loginName);
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog.getByRole('status')).toContainText(
      `Installed MQTT push for User ${loginName} (Production)`,
    );
    await dialog.getByRole('button', { name: 'Open details' }).click();
    await expect(page).toHaveURL(/\/en\/installations\/[^/]+$/);
    const installationID = decodeURIComponent(page.url().split('/').pop()!);
    const stored = await (await admin.get(`/installations/${installationID}`)).json();
    expect(stored).toEqual(
      expect.objectContaining({ userID, deviceType: 'MQTT', development: false }),
    );

    // The endpoint, the password masked until revealed.
    const endpoint = await (
      await admin.get(`/installations/${installationID}/mqtt-endpoint`)
    ).json();
    await expect(page.getByText(`User ${loginName}`).first()).toBeVisible();
    await expect(page.getByText(endpoint.mqttTopic, { exact: true })).toBeVisible();
    await expect(page.getByText(endpoint.username, { exact: true })).toBeVisible();
    await expect(page.getByText(endpoint.password, { exact: true })).toHaveCount(0);
    // The run's server hands out Kii Cloud's never-expiring credentials (X-MQTT-TTL 2147483647).
    await expect(page.getByText('Does not expire', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Show password' }).click();
    await expect(page.getByText(endpoint.password, { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Copy password' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(endpoint.password);
    await expect(page.getByText(`const topic = "${endpoint.mqttTopic}";`)).toBeVisible();

    // A thing, named by vendor thing ID, in development.
    await page.getByRole('link', { name: 'All installations' }).click();
    await page.getByRole('button', { name: 'Install…' }).click();
    dialog = page.getByRole('dialog', { name: 'Install push' });
    await dialog.getByRole('radio', { name: 'Thing', exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Vendor thing ID' }).fill(vendorThingID);
    await dialog.getByRole('radio', { name: 'Development' }).check();
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog.getByRole('status')).toContainText(
      `Installed MQTT push for Thing ${vendorThingID} (Development)`,
    );
    await dialog.getByRole('button', { name: 'Open details' }).click();
    await expect(page).toHaveURL(/\/en\/installations\/[^/]+$/);
    await expect(page.getByText(`Thing ${vendorThingID}`).first()).toBeVisible();
    const thingInstallationID = decodeURIComponent(page.url().split('/').pop()!);
    const thingStored = await (await admin.get(`/installations/${thingInstallationID}`)).json();
    expect(thingStored).toEqual(expect.objectContaining({ thingID, development: true }));
    await page.getByRole('link', { name: 'All installations' }).click();
    await page.getByRole('searchbox', { name: 'Filter' }).fill(vendorThingID);
    await expect(
      table.getByRole('row', { name: new RegExp(`Thing ${vendorThingID}`) }),
    ).toContainText('Development');

    // Installing the user again returns the installation it already has.
    await page.getByRole('button', { name: 'Install…' }).click();
    dialog = page.getByRole('dialog', { name: 'Install push' });
    await dialog.getByRole('textbox', { name: 'Login name' }).fill(loginName);
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(dialog.getByRole('status')).toContainText(
      `User ${loginName} already had an MQTT installation`,
    );
    await expect(dialog.getByText(installationID, { exact: true })).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(offHostRequests).toEqual([]);
  });

  test('uninstalls by installation ID and by registration ID', async ({
    page,
    request,
    server,
  }) => {
    const admin = kiiAdmin(request, server);
    const first = unique('un-id');
    const second = unique('un-reg');
    const one = await admin.install({ userID: await admin.registerUser(first) });
    const two = await admin.install({ userID: await admin.registerUser(second) });

    await signInAsAdmin(page, server);
    await openInstallations(page);

    // By installation ID, from the table.
    await page.getByRole('searchbox', { name: 'Filter' }).fill(first);
    await page.getByRole('button', { name: `Uninstall ${one.installationID}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Uninstall this installation?' });
    await expect(confirm).toContainText(`User ${first} will stop receiving pushes`);
    await confirm.getByRole('button', { name: 'Uninstall', exact: true }).click();
    await expectSnackBar(
      page,
      `Uninstalled ${one.installationID}. User ${first} no longer receives pushes on it.`,
    );
    expect((await admin.get(`/installations/${one.installationID}`)).status()).toBe(404);
    await expect(page.getByRole('button', { name: `Uninstall ${one.installationID}` })).toHaveCount(
      0,
    );

    // By registration ID, after looking it up.
    await page
      .getByRole('textbox', { name: 'Installation ID or deviceType:registrationID' })
      .fill(`MQTT:${two.installationRegistrationID}`);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect(page).toHaveURL(new RegExp(`/installations/${two.installationID}$`));
    await page.getByRole('button', { name: 'Uninstall…' }).click();
    const byRegistration = page.getByRole('dialog', { name: 'Uninstall this installation?' });
    await expect(byRegistration).toContainText(`User ${second} will stop receiving pushes`);
    await byRegistration.getByRole('radio', { name: /Registration ID/ }).check();
    await byRegistration.getByRole('button', { name: 'Uninstall', exact: true }).click();
    await expect(page).toHaveURL(/\/en\/installations$/);
    await expectSnackBar(page, `Uninstalled MQTT:${two.installationRegistrationID}.`);
    expect((await admin.get(`/installations/${two.installationID}`)).status()).toBe(404);
  });

  test('bulk-uninstalls after a dry run, with one unknown ID in the list', async ({
    page,
    request,
    server,
  }) => {
    const admin = kiiAdmin(request, server);
    const names = [unique('bulk-a'), unique('bulk-b')];
    const installed = [];
    for (const name of names)
      installed.push(await admin.install({ userID: await admin.registerUser(name) }));
    const unknown = unique('no-such-installation');

    await signInAsAdmin(page, server);
    await openInstallations(page);
    await page.getByRole('button', { name: 'Uninstall many…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Uninstall many' });
    await dialog
      .getByRole('textbox', { name: 'Installation IDs' })
      .fill(
        `${installed[0].installationID}\n${unknown}, MQTT:${installed[1].installationRegistrationID}`,
      );
    await expect(dialog.getByText('3 installations named')).toBeVisible();
    await dialog.getByRole('button', { name: 'Dry run' }).click();
    await expect(dialog).toContainText(
      'Dry run: 2 will be uninstalled, 1 not found, 0 refused, 0 failed.',
    );
    // The dry run changed nothing.
    expect((await admin.get(`/installations/${installed[0].installationID}`)).status()).toBe(200);

    await dialog.getByRole('button', { name: 'Uninstall 2' }).click();
    await expect(dialog).toContainText('Done: 2 uninstalled, 1 not found, 0 refused, 0 failed.');
    const results = dialog.getByRole('table', { name: 'Installations and outcomes' });
    await expect(
      results.getByRole('row', { name: new RegExp(`${unknown}.*Not found`) }),
    ).toBeVisible();
    await expect(results.getByRole('row', { name: /Done/ })).toHaveCount(2);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^uninstall-results-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(`${unknown},${unknown},,,,not-found,INSTALLATION_NOT_FOUND`);
    expect(csv).toContain(`${installed[0].installationID},${installed[0].installationID}`);
    await dialog.getByRole('button', { name: 'Close' }).click();

    for (const one of installed) {
      expect((await admin.get(`/installations/${one.installationID}`)).status()).toBe(404);
    }
  });
});
