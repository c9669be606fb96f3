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
 * MQTT credentials (a server of its own with a 2-second --mqtt-ttl), a device that stops reading
 * dropped as a slow consumer (a server of its own with a 400 ms --mqtt-drain-timeout), and, in
 * Kii Cloud mode, a thing's online status as evidence.
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
    const closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
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
        await new Promise<void>((resolve) => device.client.once('close', () => resolve()));
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

test.describe('with a 400 ms drain timeout', () => {
  const quickToCut = testWithOwnServer(['--mqtt-drain-timeout', '400']);

  quickToCut(
    'DROPPED_SLOW_CONSUMER: a device that stops reading is cut, and the pushes waiting on it dropped',
    async ({ page, request, server }) => {
      test.slow(); // A thousand or more 3.7 KB pushes fill the frozen device's socket buffers.
      const lou = await owner(request, server);
      const trace = traceApi(request, server);
      try {
        // A real MQTT.js device that subscribes, then stops reading its socket: the broker's
        // writes back up. Keep-alive 0: no PINGREQ whose unread answer would end it first.
        const { client } = await lou.connect(true, { keepalive: 0 });
        client.stream.unpipe();
        client.stream.pause();

        // How many pushes fill the buffers: a push is at most 4096 bytes (docs/kii-api.md §9.4);
        // 3,700 characters plus the system keys make about 3.9 KB on the wire. A write waits
        // once the server's kernel send buffer (autotuned up to net.ipv4.tcp_wmem's maximum,
        // 4 MiB on Debian 12), the paused device's receive buffer (128 KiB: it grows only as
        // the application reads) and Node's 16 KiB stream buffer are full: about 4.3 MB. Seen
        // here: 1,040-1,065 pushes written, then 12-125 dropped (annotation "buffers"). 160
        // bursts of 25 (4,000 pushes, about 15 MB) leave more than 3x margin; the loop stops at
        // the cut, so the margin costs nothing, and a run that never sees a cut fails.
        const blob = 'x'.repeat(3700);
        const sent: string[] = [];
        let connected = true;
        for (let burst = 0; burst < 160 && connected; burst++) {
          sent.push(
            ...(await Promise.all(Array.from({ length: 25 }, () => lou.push({}, { blob })))),
          );
          // Once a write waits on the full socket, the broker cuts it 400 ms later.
          ({ connected } = await trace.connections(lou.installationID));
        }
        expect(connected, `still connected after ${sent.length} pushes of 3.7 KB`).toBe(false);
        const history = await trace.connections(lou.installationID);
        expect(history.connections[0]).toEqual(
          expect.objectContaining({ closeReason: 'DRAIN_TIMEOUT', detail: 'drain timeout' }),
        );

        // As the server sent them: written while the buffers took them, then dropped with the
        // connection, then nobody there. Every write pending at the cut settles with it. The
        // ledger lists pushes as they settled (a push sent just after the cut can settle before
        // the dropped ones) and the requests of a burst arrive in any order, so the order sent
        // is read from sentAt (milliseconds: equal times may belong to either side).
        await expect
          .poll(async () => (await trace.outcomes(lou.installationID)).size)
          .toBe(sent.length);
        const byPush = await trace.outcomes(lou.installationID);
        expect(sent.filter((id) => !byPush.has(id))).toEqual([]);
        const sentAt = (outcome: string) =>
          [...byPush.values()].filter((row) => row.outcome === outcome).map((row) => row.sentAt);
        const [written, droppedAt, afterCut] = [
          sentAt('DELIVERED'),
          sentAt('DROPPED_SLOW_CONSUMER'),
          sentAt('NOT_CONNECTED'),
        ];
        expect(written.length + droppedAt.length + afterCut.length).toBe(sent.length);
        expect(written.length, 'pushes written before the cut').toBeGreaterThan(0);
        expect(droppedAt.length, 'pushes dropped with the connection').toBeGreaterThan(0);
        expect(Math.max(...written)).toBeLessThanOrEqual(Math.min(...droppedAt));
        expect(Math.max(...droppedAt)).toBeLessThanOrEqual(Math.min(...afterCut, Infinity));
        test.info().annotations.push({
          type: 'buffers',
          description: `${written.length} pushes written, ${droppedAt.length} dropped, ${afterCut.length} after the cut`,
        });
        const [dropped] = [...byPush].find(([, row]) => row.outcome === 'DROPPED_SLOW_CONSUMER')!;
        const { connectionID } = history.connections[0];
        expect(byPush.get(dropped)!.connectionID).toBe(connectionID);

        await signInAsAdmin(page, server);
        await openDiagnosis(page, lou.installationID, dropped);
        const answer = verdict(page);
        await expect(answer.getByRole('heading')).toHaveText(/Dropped: the device read too slowly/);
        await expect(answer).toContainText('DROPPED_SLOW_CONSUMER');
        await expect(answer).toContainText(
          `Connection ${connectionID} had a full buffer and was cut after the drain timeout.`,
        );
        await expect(answer).toContainText(
          'What to do: Make the device read its socket promptly; the broker cuts a connection whose buffer stays full past its drain timeout (5 s unless the server sets another).',
        );
        const slow = checksOf(page)
          .getByRole('listitem')
          .filter({ hasText: 'Not dropped as a slow consumer' });
        await expect(slow).toContainText('Failed');

        // The installation's timeline says why the connection ended.
        await page.getByRole('link', { name: lou.installationID }).click();
        const timeline = page.getByRole('list', { name: 'Connections, newest first' });
        await expect(timeline.getByRole('listitem').first()).toContainText(connectionID);
        await expect(timeline.getByRole('listitem').first()).toContainText('DRAIN_TIMEOUT');

        // The same verdict in Japanese.
        await page.goto(
          `/ja/diagnose?installation=${lou.installationID}&push=${encodeURIComponent(dropped)}`,
        );
        const ja = page.getByRole('region', { name: '破棄: デバイスの読み取りが遅すぎました' });
        await expect(ja).toContainText('DROPPED_SLOW_CONSUMER');
        await expect(ja).toContainText(
          `接続 ${connectionID} はバッファーが一杯で、ドレインのタイムアウト後に切断されました。`,
        );
        await expect(ja).toContainText('対処:');
        const jaSlow = page
          .getByRole('list', { name: 'チェック (順番どおり)' })
          .getByRole('listitem')
          .filter({ hasText: '低速な受信者として切断されていない' });
        await expect(jaSlow).toContainText('失敗');
      } finally {
        await lou.close();
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
