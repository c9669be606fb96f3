import AxeBuilder from '@axe-core/playwright';

import { signInAsAdmin } from './support/console';
import {
  checksOf,
  diagnoseById,
  findInstallation,
  hideExtensions,
  openDiagnosis,
  openDiagnose,
  owner,
  verdict,
} from './support/diagnose';
import { expect, test } from './support/fixtures';

/**
 * The Diagnose page against the real local server: devices are real MQTT.js clients over TCP
 * that connect, subscribe or leave as each verdict needs; pushes go through Kii's REST API.
 * The Kii Cloud mode runs against the same server with its extensions hidden from the page.
 */

test.describe('diagnose a push (local server trace)', () => {
  test('delivered: "written to connection c (tcp) at t", picked from the recent pushes', async ({
    page,
    request,
    server,
  }) => {
    const alice = await owner(request, server);
    try {
      const device = await alice.connect(true);
      const pushMessageID = await alice.push();
      await expect.poll(() => device.received.length).toBe(1);

      await signInAsAdmin(page, server);
      await openDiagnose(page);
      await findInstallation(page, alice.installationID);
      const recent = page.getByRole('table', { name: 'Recent pushes to this installation' });
      await expect(recent.getByRole('row', { name: new RegExp('DELIVERED') })).toBeVisible();
      await page.getByRole('button', { name: `Diagnose push ${pushMessageID}` }).click();

      const answer = verdict(page);
      await expect(answer.getByRole('heading')).toHaveText(/Written to the device's connection/);
      await expect(answer).toContainText('DELIVERED');
      await expect(answer).toContainText(/Written to connection \S+ \(tcp\) at /);
      await expect(answer).toContainText('QoS 0 has no receipt');
      await expect(answer).not.toContainText('received');
      await expect(checksOf(page).getByRole('listitem')).toHaveCount(10);

      // The push's report, linked from the answer.
      await page.getByRole('link', { name: `Report of push ${pushMessageID}` }).click();
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Push report');
      await expect(page.getByText(/Written to a connection/)).toBeVisible();
      await expect(
        page
          .getByRole('table', { name: 'Recipients of the push' })
          .getByRole('row', { name: new RegExp(alice.installationID) }),
      ).toContainText('DELIVERED');
    } finally {
      await alice.close();
    }
  });

  test('ENVIRONMENT_FILTERED, found through the user by login name', async ({
    page,
    request,
    server,
  }) => {
    const bob = await owner(request, server, { development: true });
    const pushMessageID = await bob.push({ sendToDevelopment: false, sendToProduction: true });

    await signInAsAdmin(page, server);
    await openDiagnose(page);
    await page.getByRole('combobox', { name: 'Find by' }).click();
    await page.getByRole('option', { name: 'User, by login name' }).click();
    await findInstallation(page, bob.loginName);
    await expect(page.getByText(`Diagnosing installation`)).toContainText(bob.installationID);
    await diagnoseById(page, pushMessageID);

    const answer = verdict(page);
    await expect(answer).toContainText('ENVIRONMENT_FILTERED');
    await expect(answer).toContainText(
      'What to do: This installation is development; resend with Development ticked.',
    );
  });

  test('NOT_CONNECTED, with the last close before the send as evidence', async ({
    page,
    request,
    server,
  }) => {
    const carol = await owner(request, server);
    const device = await carol.connect(true);
    await device.client.endAsync();
    const pushMessageID = await carol.push();

    await signInAsAdmin(page, server);
    await openDiagnosis(page, carol.installationID, pushMessageID);
    const answer = verdict(page);
    await expect(answer.getByRole('heading')).toHaveText(/The device was not connected/);
    await expect(answer).toContainText('NOT_CONNECTED');
    await expect(answer).toContainText(/closed at .* \(CLIENT_DISCONNECT\)/);
    await expect(answer).toContainText(
      'What to do: Pushes are not queued (QoS 0): connect the device with its endpoint, then resend.',
    );
  });

  test('NOT_SUBSCRIBED: connected, but its topic never subscribed', async ({
    page,
    request,
    server,
  }) => {
    const dave = await owner(request, server);
    try {
      await dave.connect(false);
      const pushMessageID = await dave.push();

      await signInAsAdmin(page, server);
      await openDiagnose(page);
      await findInstallation(page, dave.installationID);
      await diagnoseById(page, pushMessageID);
      const answer = verdict(page);
      await expect(answer).toContainText('NOT_SUBSCRIBED');
      await expect(answer).toContainText(
        "What to do: Subscribe to the endpoint's mqttTopic right after connecting, then resend.",
      );

      // The installation's page shows the same connection in its timeline, open, unsubscribed.
      await page.getByRole('link', { name: dave.installationID }).click();
      const timeline = page.getByRole('list', { name: 'Connections, newest first' });
      await expect(timeline.getByRole('listitem')).toHaveCount(1);
      await expect(timeline).toContainText('TCP');
      await expect(timeline).toContainText('Not subscribed');
      await expect(page.getByRole('status').filter({ hasText: 'Connected now.' })).toBeVisible();
    } finally {
      await dave.close();
    }
  });

  test('NO_MQTT_INSTALLATION: installed only after the push was sent', async ({
    page,
    request,
    server,
  }) => {
    const erin = await owner(request, server, { install: false });
    const pushMessageID = await erin.push();
    await erin.install();

    await signInAsAdmin(page, server);
    await openDiagnose(page);
    await findInstallation(page, erin.installationID);
    await diagnoseById(page, pushMessageID);
    const answer = verdict(page);
    await expect(answer).toContainText('NO_MQTT_INSTALLATION');
    await expect(answer).toContainText(
      'What to do: Pushes are not kept for later installations: resend now that it is installed.',
    );
  });

  test('"Last seen" in the installations table and the connection timeline', async ({
    page,
    request,
    server,
  }) => {
    const frank = await owner(request, server);
    const device = await frank.connect(true);
    await device.client.endAsync();

    await signInAsAdmin(page, server);
    await page.getByRole('link', { name: 'Installations' }).click();
    await page.getByRole('searchbox', { name: 'Filter' }).fill(frank.installationID);
    const table = page.getByRole('table', { name: 'All installations of the app' });
    await expect(table.getByRole('columnheader', { name: 'Last seen' })).toBeVisible();
    await expect(table.getByRole('row', { name: new RegExp(frank.installationID) })).toContainText(
      /\d/,
    );
    await table.getByRole('link', { name: frank.installationID }).click();
    const timeline = page.getByRole('list', { name: 'Connections, newest first' });
    await expect(timeline).toContainText('CLIENT_DISCONNECT');
    await expect(page.getByText(/Last seen .*\./)).toBeVisible();
  });

  test('keyboard only, and axe-clean with a verdict shown', async ({ page, request, server }) => {
    const gina = await owner(request, server, { development: true });
    const pushMessageID = await gina.push({ sendToDevelopment: false });

    await signInAsAdmin(page, server);
    await page.goto('/en/diagnose');
    const who = page.getByRole('textbox', { name: 'Installation, user or thing' });
    await expect(who).toBeVisible();
    // From the Find by choice, Tab into the field, type, Enter; then the push ID the same way.
    await page.getByRole('combobox', { name: 'Find by' }).focus();
    await page.keyboard.press('Tab');
    await expect(who).toBeFocused();
    await page.keyboard.type(gina.installationID);
    await page.keyboard.press('Enter');
    await expect(page.getByText('Diagnosing installation')).toBeVisible();
    const push = page.getByRole('textbox', { name: 'Push message ID' });
    for (let i = 0; i < 6 && !(await push.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(push).toBeFocused();
    await page.keyboard.type(pushMessageID);
    await page.keyboard.press('Enter');
    await expect(verdict(page)).toContainText('resend with Development ticked');

    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' | ')}`);
    expect(serious).toEqual([]);
  });
});

test.describe('diagnose a push (Kii Cloud mode: extensions hidden)', () => {
  test("runs the checks Kii allows from this tab's send record and says which it cannot make", async ({
    page,
    request,
    server,
  }) => {
    const hank = await owner(request, server, { development: true });
    await signInAsAdmin(page, server);

    // From here on the page sees a server without the local extensions, as on Kii Cloud.
    const extensionCalls = await hideExtensions(page);

    // Send from Compose, production only, to the user directly.
    await page.goto('/en/compose');
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByRole('combobox', { name: 'Send to' }).click();
    await page.getByRole('option', { name: 'One user directly' }).click();
    await page.getByRole('textbox', { name: 'Login name' }).fill(hank.loginName);
    const data = page.getByRole('group', { name: 'Data', exact: true });
    await data.getByRole('textbox', { name: 'Key' }).first().fill('k');
    await data.getByRole('textbox', { name: 'Value' }).first().fill('v');
    await page.getByRole('checkbox', { name: 'Development installations' }).uncheck();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page
      .getByRole('table', { name: 'Recent sends' })
      .getByRole('row', { name: new RegExp(`user ${hank.loginName}`) });
    await expect(sent).toBeVisible();

    await openDiagnose(page);
    await expect(page.getByText('Kii Cloud keeps no record of connections')).toBeVisible();
    await findInstallation(page, hank.installationID);
    const recent = page.getByRole('table', { name: 'Pushes sent from this tab' });
    await recent
      .getByRole('button', { name: /^Diagnose push / })
      .first()
      .click();

    const answer = verdict(page);
    await expect(answer).toContainText('ENVIRONMENT_FILTERED');
    await expect(answer).toContainText('resend with Development ticked');
    const checks = checksOf(page).getByRole('listitem');
    await expect(checks.filter({ hasText: 'Cannot be checked here' })).toHaveCount(5);
    await expect(checks.filter({ hasText: 'Send accepted' })).toContainText('Sent from this tab');

    // No trace on the installation's page either.
    await page.getByRole('link', { name: hank.installationID }).click();
    await expect(page.getByRole('button', { name: 'Show password' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Connection timeline' })).toHaveCount(0);
    expect(extensionCalls).toEqual([]);
  });
});
