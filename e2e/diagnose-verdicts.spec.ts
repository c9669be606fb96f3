import { rawConnect, rawSubscribe, type MqttEndpoint } from '../server/testing/mqtt-clients';

import { kiiAdmin, signInAsAdmin, unique } from './support/console';
import {
  checksOf,
  connectDevice,
  diagnoseById,
  findInstallation,
  hideExtensions,
  openDiagnosis,
  openDiagnose,
  owner,
  traceApi,
  verdict,
  type Endpoint,
} from './support/diagnose';
import { expect, test, testWithOwnServer } from './support/fixtures';

/**
 * More Diagnose verdicts, driven for real (diagnose.spec.ts has the first five): a takeover by
 * a second connection with the same client ID, before a push and while a write waits, expired
 * MQTT credentials (a server of its own with a 2-second --mqtt-ttl), and, in Kii Cloud mode, a
 * thing's online status as evidence. DROPPED_SLOW_CONSUMER is not here: it needs the broker's
 * 5-second drain timeout to run out, and the server has no flag to shorten it (the server
 * spec produces it with a 300 ms timeout).
 */

test('after a takeover, the delivered row names the new connection and the one it replaced', async ({
  page,
  request,
  server,
}) => {
  const ivy = await owner(request, server);
  try {
    // A second device with the installation's client ID: the broker closes the first.
    const first = await ivy.connect(true);
    const closed = new Promise((resolve) => first.client.once('close', resolve));
    const second = await ivy.connect(true);
    await closed;
    const pushMessageID = await ivy.push();
    await expect.poll(() => second.received.length).toBe(1);
    expect(first.received).toEqual([]);

    await signInAsAdmin(page, server);
    await openDiagnose(page);
    await findInstallation(page, ivy.installationID);
    await diagnoseById(page, pushMessageID);
    const answer = verdict(page);
    await expect(answer.getByRole('heading')).toHaveText(/Written to the device's connection/);
    const takeover = checksOf(page).getByRole('listitem').filter({ hasText: 'Not taken over' });
    await expect(takeover).toContainText(/Connection \S+ had taken over \S+; the push went to/);
    const [, replacing, replaced] = /Connection (\S+) had taken over (\S+);/.exec(
      await takeover.innerText(),
    )!;
    expect(replacing).not.toBe(replaced);
    await expect(answer).toContainText(`Written to connection ${replacing} (tcp) at `);
    await expect(answer).toContainText(
      "What to do: The server's part is done; QoS 0 has no receipt, so check how the device's app handles it.",
    );

    // The installation's timeline tells the same: the open connection, the one taken over.
    await page.getByRole('link', { name: ivy.installationID }).click();
    const timeline = page.getByRole('list', { name: 'Connections, newest first' });
    await expect(timeline.getByRole('listitem')).toHaveCount(2);
    await expect(timeline.getByRole('listitem').first()).toContainText(replacing);
    await expect(timeline.getByRole('listitem').last()).toContainText('TAKEOVER');
  } finally {
    await ivy.close();
  }
});

test('TAKEN_OVER: a write waiting on a full socket is lost when a second client takes over', async ({
  page,
  request,
  server,
}) => {
  test.slow(); // About a thousand 3.7 KB pushes fill the frozen device's socket buffers.
  const kate = await owner(request, server);
  const trace = traceApi(request, server);
  // A device that subscribes and then never reads: the server's writes to it back up.
  const { socket } = await rawConnect((await kate.endpoint()) as unknown as MqttEndpoint, 0);
  try {
    expect(await rawSubscribe(socket, (await kate.endpoint()).mqttTopic)).toBe(0);
    socket.pause();
    // Push until one stays unsettled: its write waits for a drain that will not come. The
    // broker cuts a connection 5 s after its first write waited: the takeover comes well before.
    const blob = 'x'.repeat(3700);
    let waiting = '';
    for (let burst = 0; burst < 80 && !waiting; burst++) {
      const ids = await Promise.all(Array.from({ length: 25 }, () => kate.push({}, { blob })));
      const last = ids[ids.length - 1];
      if ((await trace.push(last)).complete) continue;
      await new Promise((resolve) => setTimeout(resolve, 150));
      if (!(await trace.push(last)).complete) waiting = last;
    }
    expect(waiting, 'a push whose write waits on the frozen device').not.toBe('');
    await kate.connect(true);
    await expect
      .poll(async () => (await trace.push(waiting)).outcomes)
      .toEqual({ CONNECTION_CLOSED: 1 });
    expect((await trace.push(waiting)).recipientRows[0].detail).toBe('TAKEOVER');

    await signInAsAdmin(page, server);
    await openDiagnosis(page, kate.installationID, waiting);
    const answer = verdict(page);
    await expect(answer.getByRole('heading')).toHaveText(/Another client took the connection over/);
    await expect(answer).toContainText('TAKEN_OVER');
    await expect(answer).toContainText(
      /Connection (\S+) was taken over by (?!\1)\S+ before the write\./,
    );
    await expect(answer).toContainText(
      "What to do: Two clients share this installation's client ID: keep one connection per installation.",
    );
    const takeover = checksOf(page).getByRole('listitem').filter({ hasText: 'Not taken over' });
    await expect(takeover).toContainText('Failed');
  } finally {
    socket.destroy();
    await kate.close();
  }
});

test.describe('with MQTT credentials that live 2 seconds', () => {
  const shortLived = testWithOwnServer(['--mqtt-ttl', '2']);

  shortLived(
    'CREDENTIALS_EXPIRED, and its fix (fetch the endpoint again, reconnect, resend) delivers',
    async ({ page, request, server }) => {
      const jade = await owner(request, server);
      try {
        const device = await jade.connect(true);
        // The broker closes the connection once its credentials expire.
        await new Promise((resolve) => device.client.once('close', resolve));
        const pushMessageID = await jade.push();

        await signInAsAdmin(page, server);
        await openDiagnosis(page, jade.installationID, pushMessageID);
        const answer = verdict(page);
        await expect(answer.getByRole('heading')).toHaveText(/The MQTT credentials had expired/);
        await expect(answer).toContainText('CREDENTIALS_EXPIRED');
        await expect(answer).toContainText(
          /Not connected, and its credentials had expired\. Its last connection \S+ closed at .* \(CREDENTIALS_EXPIRED\)\./,
        );
        await expect(answer).toContainText(
          'What to do: Fetch the MQTT endpoint again for new credentials, reconnect, then resend.',
        );

        // Doing what it says: the endpoint answers new credentials, and the resend is written.
        const renewed = await jade.connect(true);
        const resent = await jade.push();
        await expect.poll(() => renewed.received.length).toBe(1);
        await openDiagnosis(page, jade.installationID, resent);
        await expect(verdict(page)).toContainText('DELIVERED');
      } finally {
        await jade.close();
      }
    },
  );
});

test("Kii Cloud mode: a thing's online status is the Connected check's evidence", async ({
  page,
  request,
  server,
}) => {
  const admin = kiiAdmin(request, server);
  const thingID = await admin.registerThing(unique('lamp'));
  const { installationID } = await admin.install({ thingID });
  const endpoint = await admin.get(`/installations/${installationID}/mqtt-endpoint`);
  const device = await connectDevice((await endpoint.json()) as Endpoint);
  try {
    await signInAsAdmin(page, server);
    // From here on the page sees a server without the local extensions, as on Kii Cloud.
    const extensionCalls = await hideExtensions(page);
    await openDiagnose(page);
    await expect(page.getByText('Kii Cloud keeps no record of connections')).toBeVisible();
    await findInstallation(page, installationID);
    // A push this tab did not send: the thing's status is shown, and decides nothing alone.
    await diagnoseById(page, 'not-sent-here');
    const connected = checksOf(page)
      .getByRole('listitem')
      .filter({ has: page.getByText('Connected', { exact: true }) });
    await expect(connected).toContainText('Cannot tell');
    await expect(connected).toContainText(/The thing is online now, since .+; what it was/);

    // Offline once the device leaves; diagnosed again, the evidence follows.
    await device.endAsync();
    await page.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await expect(connected).toContainText(/The thing is offline now, since .+; what it was/);
    expect(extensionCalls).toEqual([]);
  } finally {
    await device.endAsync(true);
  }
});
