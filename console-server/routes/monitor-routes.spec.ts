import { registerUser } from '../kii/local-kii-process';
import { auditRowsOf, startKiiTeamFixture, type KiiTeamFixture } from '../testing/kii-team-fixture';
import { connectMonitor, type MonitorClient } from '../testing/monitor-client';
import { expectApiError, expectOk, type TeamClient } from '../testing/test-console-server';

interface MonitorAnswer {
  host: string;
  portWS: number;
  portWSS: number;
  username: string;
  password: string;
  mqttTopic: string;
  ttl: number;
  expiresAt: number;
  thingID?: string;
  installationID?: string;
  takeover?: boolean;
}

/**
 * Monitor endpoints against the real local Kii server, with a real MQTT.js client connecting
 * over WebSocket as the console does in the browser.
 */
describe('Monitor routes', () => {
  let fx: KiiTeamFixture;
  let viewer: TeamClient;
  let support: TeamClient;
  let operator: TeamClient;
  let base: string;
  const clients: MonitorClient[] = [];

  beforeAll(async () => {
    fx = await startKiiTeamFixture();
    const on = (role: 'viewer' | 'support' | 'operator') => [{ appId: fx.app.appId, role }];
    viewer = await fx.signedIn('monitor-viewer', on('viewer'));
    support = await fx.signedIn('monitor-support', on('support'));
    operator = await fx.signedIn('monitor-operator', on('operator'));
    base = `/team/api/apps/${fx.app.appId}`;
  }, 60_000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end()));
  });

  afterAll(async () => {
    if (!fx) return;
    expect(fx.leaks()).withContext('responses or audit rows holding a secret').toEqual([]);
    await fx.stop();
  });

  const startTopicMonitor = async (client: TeamClient, topicID: string) => {
    const response = await client.request('POST', `${base}/monitors/topic`, {
      body: { scope: 'app', topicID },
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    return expectOk<MonitorAnswer>(response);
  };

  const pushToTopic = (topicID: string, data: Record<string, unknown>) =>
    support.request('POST', `${base}/push`, {
      body: { target: { kind: 'app-topic', topicID }, message: { data } },
    });

  it("hands a viewer the monitor thing's endpoint, on which a push to the topic arrives", async () => {
    const before = Date.now();
    const endpoint = await startTopicMonitor(viewer, 'announcements');
    expect(Object.keys(endpoint).sort()).toEqual(
      [
        'expiresAt',
        'host',
        'mqttTopic',
        'password',
        'portWS',
        'portWSS',
        'thingID',
        'ttl',
        'username',
      ].sort(),
    );
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.portWS).toBe(fx.kii.http);
    expect(endpoint.expiresAt).toBeGreaterThanOrEqual(before + endpoint.ttl * 1000);

    const monitor = await connectMonitor(endpoint);
    clients.push(monitor);
    const marker = `monitor-${Date.now()}`;
    await expectOk(await pushToTopic('announcements', { marker }));
    const push = (await monitor.next((p) => p['marker'] === marker)) as Record<string, unknown>;
    expect(push['topic']).toBe('announcements');

    // The thing is the console server's own, subscribed by the app admin, and kept.
    const thingPath = `${base}/topics/app/announcements/subscriptions/thing:${endpoint.thingID}`;
    expect(await expectOk(await viewer.request('GET', thingPath))).toEqual({ subscribed: true });
    const again = await startTopicMonitor(viewer, 'announcements');
    expect(again.thingID).toBe(endpoint.thingID);
    expect(again.mqttTopic).toBe(endpoint.mqttTopic);
    const row = fx.server.app.team.monitorThings.find(fx.app.appId, 'monitor-viewer')!;
    expect(row.vendorThingID).toMatch(/^kpc-monitor-[A-Za-z0-9_-]{16}$/);

    const [audited] = auditRowsOf(fx, 'monitor-viewer', 'monitor.topic.start');
    expect(audited.target).toBe('app/announcements');
    expect(audited.status).toBe(200);
    expect(JSON.parse(audited.detailsJson)).toEqual({
      thingID: endpoint.thingID,
      installationID: row.installationID,
      mqttTopic: endpoint.mqttTopic,
      ttl: endpoint.ttl,
      already: true,
    });
    expect(audited.detailsJson).not.toContain(endpoint.password);
  });

  it('gives each person a monitor thing of their own, so two people do not take over', async () => {
    const mine = await startTopicMonitor(viewer, 'announcements');
    const theirs = await startTopicMonitor(support, 'announcements');
    expect(theirs.thingID).not.toBe(mine.thingID);
    expect(theirs.mqttTopic).not.toBe(mine.mqttTopic);
    const [first, second] = await Promise.all([connectMonitor(mine), connectMonitor(theirs)]);
    clients.push(first, second);
    const marker = `both-${Date.now()}`;
    await expectOk(await pushToTopic('announcements', { marker }));
    await Promise.all([first, second].map((c) => c.next((p) => p['marker'] === marker)));
    expect(first.client.connected && second.client.connected).toBeTrue();
  });

  it('stops a topic monitor by unsubscribing the thing; stopping twice is fine', async () => {
    await expectOk(
      await operator.request('POST', `${base}/topics`, {
        body: { scope: 'app', topicID: 'monitor-stop' },
      }),
    );
    const endpoint = await startTopicMonitor(viewer, 'monitor-stop');
    const thingPath = `${base}/topics/app/monitor-stop/subscriptions/thing:${endpoint.thingID}`;
    expect(await expectOk(await viewer.request('GET', thingPath))).toEqual({ subscribed: true });
    const stop = () => viewer.request('DELETE', `${base}/monitors/topic/app/monitor-stop`);
    expect((await stop()).status).toBe(204);
    expect(await expectOk(await viewer.request('GET', thingPath))).toEqual({ subscribed: false });
    expect((await stop()).status).toBe(204);
    const rows = auditRowsOf(fx, 'monitor-viewer', 'monitor.topic.stop');
    expect(rows.slice(0, 2).map((row) => JSON.parse(row.detailsJson))).toEqual([
      { thingID: endpoint.thingID, wasSubscribed: false },
      { thingID: endpoint.thingID, wasSubscribed: true },
    ]);
  });

  it('refuses user and thing topics for the monitor thing, and topics that do not exist', async () => {
    const scoped = await expectApiError(
      await viewer.request('POST', `${base}/monitors/topic`, {
        body: { scope: 'user:someone', topicID: 'inbox' },
      }),
      400,
      'MONITOR_SCOPE_UNSUPPORTED',
    );
    expect(scoped.details).toEqual({ scope: 'user:someone' });
    const missing = await expectApiError(
      await viewer.request('POST', `${base}/monitors/topic`, {
        body: { scope: 'app', topicID: 'no-such-topic' },
      }),
      404,
      'KII_NOT_FOUND',
    );
    expect(missing.details).toEqual({ kii: { status: 404, errorCode: 'TOPIC_NOT_FOUND' } });
    const [failed] = auditRowsOf(fx, 'monitor-viewer', 'monitor.topic.start');
    expect(`${failed.status} ${failed.errorCode}`).toBe('404 TOPIC_NOT_FOUND');
  });

  it("hands an operator an installation's endpoint with takeover:true, audited as such", async () => {
    const userID = await registerUser(fx.app, `monitored-${Date.now()}`);
    const { installationID } = await expectOk<{ installationID: string }>(
      await operator.request('POST', `${base}/installations`, { body: { userID } }),
    );
    // The device, connected with the installation's own endpoint.
    const device = await expectOk<MonitorAnswer>(
      await operator.request('GET', `${base}/installations/${installationID}/mqtt-endpoint`),
    );
    const deviceClient = await connectMonitor(device);
    clients.push(deviceClient);

    const response = await operator.request(
      'POST',
      `${base}/monitors/installation/${installationID}`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const watched = await expectOk<MonitorAnswer>(response);
    expect(watched.takeover).toBeTrue();
    expect(watched.installationID).toBe(installationID);
    expect(watched.mqttTopic).toBe(device.mqttTopic);

    const monitor = await connectMonitor(watched);
    clients.push(monitor);
    // Same client ID: the broker closes the device's connection (MQTT takeover).
    await deviceClient.closed;
    const marker = `direct-${Date.now()}`;
    await expectOk(
      await support.request('POST', `${base}/push`, {
        body: { target: { kind: 'user', userID }, message: { data: { marker } } },
      }),
    );
    await monitor.next((p) => p['marker'] === marker);

    const [row] = auditRowsOf(fx, 'monitor-operator', 'installation.monitor');
    expect(row.target).toBe(installationID);
    expect(row.status).toBe(200);
    expect(JSON.parse(row.detailsJson)).toEqual({
      takeover: true,
      installationID,
      mqttTopic: watched.mqttTopic,
      ttl: watched.ttl,
    });
    expect(row.detailsJson).not.toContain(watched.password);
  });

  it('refuses to monitor a device that is not MQTT, and one that does not exist', async () => {
    await expectApiError(
      await operator.request(
        'POST',
        `${base}/monitors/installation/ANDROID:demo-fcm-registration-token-carol`,
      ),
      400,
      'NOT_MQTT_INSTALLATION',
    );
    const [row] = auditRowsOf(fx, 'monitor-operator', 'installation.monitor');
    expect(`${row.status} ${row.errorCode}`).toBe('400 NOT_MQTT_INSTALLATION');
    expect(JSON.parse(row.detailsJson)).toEqual({ takeover: true });
    await expectApiError(
      await operator.request('POST', `${base}/monitors/installation/no-such-installation`),
      404,
      'KII_NOT_FOUND',
    );
  });

  it('registers a new monitor thing when Kii no longer knows the stored one', async () => {
    const { monitorThings } = fx.server.app.team;
    const first = await startTopicMonitor(viewer, 'announcements');
    const row = monitorThings.find(fx.app.appId, 'monitor-viewer')!;
    // As after a reset of the app's server: the row names a thing Kii never had.
    monitorThings.save({ ...row, thingID: 'th.forgotten-by-kii' }, 'whatever-password');
    const second = await startTopicMonitor(viewer, 'announcements');
    expect(second.thingID).not.toBe('th.forgotten-by-kii');
    expect(second.thingID).not.toBe(first.thingID);
    expect(monitorThings.find(fx.app.appId, 'monitor-viewer')!.thingID).toBe(second.thingID!);
  });
});
