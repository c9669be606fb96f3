import {
  expectKiiError,
  expectOk,
  kiiRest,
  topicPath,
  type KiiRest,
  type Principal,
} from '../testing/kii-rest';
import {
  connackCode,
  mqttJsReceiver,
  type MqttEndpoint,
  type PushReceiver,
} from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

interface ListedInstallation {
  installationID: string;
  installationRegistrationID: string;
  deviceType: string;
  userID?: string;
  thingID?: string;
  development: boolean;
  createdAt: number;
  ownerName: string | null;
  connected: boolean;
  lastSeenAt: number | null;
}
interface InstallationPage {
  installations: ListedInstallation[];
  total: number;
  nextPaginationKey?: string;
}
interface Delivery {
  pushMessageID: string;
  target: string;
  sender: string;
  recipients: number;
  payloadBytes: number;
  sentAt: number;
}

/** The local server's own extensions under /api/x-local/v1 (not Kii's API; admin only). */
describe('x-local extensions', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  let alice: Principal;
  let bob: Principal;
  const receivers: PushReceiver[] = [];

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
    [alice, bob] = await Promise.all([rest.registerUser('alice'), rest.registerUser('bob')]);
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await server.close();
  });

  const x = (path: string) => `/x-local/v1${path}`;
  const listing = (query = '') => x(`${rest.app}/installations${query}`);

  async function list(query = ''): Promise<InstallationPage> {
    return expectOk<InstallationPage>(await server.api(listing(query), { token: admin }));
  }

  it('tells the console which extensions exist, without a token', async () => {
    const info = await expectOk<{ server: string; extensions: string[] }>(
      await server.api(x('/info')),
    );
    expect(info.extensions).toEqual(
      jasmine.arrayContaining(['installations', 'deliveries', 'tap', 'trace']),
    );
    expect(info.server).toBe('kii-push-local');
  });

  it('refuses users, things and anonymous callers with 401', async () => {
    const thing = await rest.registerThing('sensor-1');
    for (const token of [alice.token, thing.token, undefined]) {
      await expectKiiError(await server.api(listing(), { token }), 401, 'UNAUTHORIZED');
      await expectKiiError(
        await server.api(x(`${rest.app}/deliveries`), { token }),
        401,
        'UNAUTHORIZED',
      );
      await expectKiiError(
        await server.api(x(`${rest.app}/tap`), { method: 'POST', token }),
        401,
        'UNAUTHORIZED',
      );
    }
  });

  it('lists installations filtered by owner, device type and environment, with the filtered total and owner names', async () => {
    const thing = await rest.registerThing('sensor-1');
    const aliceMqtt = await rest.installMqtt(alice.token, true);
    await rest.installMqtt(bob.token, false);
    const thingMqtt = await rest.installMqtt(admin, false, { thingID: thing.id });
    await expectOk(
      await server.api(`${rest.app}/installations`, {
        token: alice.token,
        body: { deviceType: 'ANDROID', installationRegistrationID: 'fcm-1', development: false },
      }),
      201,
    );

    const all = await list();
    expect(all.total).toBe(4);
    expect(all.nextPaginationKey).toBeUndefined();
    expect(all.installations.map((row) => row.ownerName)).toEqual([
      'alice',
      'bob',
      'sensor-1',
      'alice',
    ]);
    expect(all.installations[0]).toEqual({
      installationID: aliceMqtt.installationID,
      installationRegistrationID: aliceMqtt.installationRegistrationID,
      deviceType: 'MQTT',
      userID: alice.id,
      development: true,
      createdAt: jasmine.any(Number),
      ownerName: 'alice',
      // Never connected (docs/kii-api.md §13.2); delivery-trace.spec covers a connection.
      connected: false,
      lastSeenAt: null,
    });

    const ofAlice = await list(`?userID=${alice.id}`);
    expect(ofAlice.total).toBe(2);
    expect(ofAlice.installations.every((row) => row.userID === alice.id)).toBe(true);
    const ofThing = await list(`?thingID=${thing.id}`);
    expect(ofThing.installations.map((row) => row.installationID)).toEqual([
      thingMqtt.installationID,
    ]);
    expect(
      (await list('?deviceType=ANDROID')).installations.map(
        (row) => row.installationRegistrationID,
      ),
    ).toEqual(['fcm-1']);
    const development = await list('?environment=development');
    expect(development.total).toBe(1);
    expect(development.installations[0].installationID).toBe(aliceMqtt.installationID);
    expect((await list(`?environment=production&deviceType=MQTT`)).total).toBe(2);
  });

  it('pages installations by key: every installation once, in order, even with inserts between pages', async () => {
    const users: Principal[] = [alice, bob];
    for (const name of ['carol', 'dave', 'erin']) users.push(await rest.registerUser(name));
    for (const user of users) await rest.installMqtt(user.token);

    const first = await list('?limit=2');
    expect(first.installations.length).toBe(2);
    expect(first.total).toBe(5);
    // Somebody installs while the console is paging.
    const late = await rest.registerUser('late');
    await rest.installMqtt(late.token);

    const seen = [...first.installations];
    let key = first.nextPaginationKey;
    while (key !== undefined) {
      const page = await list(`?limit=2&paginationKey=${encodeURIComponent(key)}`);
      expect(page.installations.length).toBeLessThanOrEqual(2);
      expect(page.total).toBe(6);
      seen.push(...page.installations);
      key = page.nextPaginationKey;
    }
    expect(seen.map((row) => row.ownerName)).toEqual([
      'alice',
      'bob',
      'carol',
      'dave',
      'erin',
      'late',
    ]);

    for (const [query, field] of [
      ['?paginationKey=not-a-key', 'paginationKey'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
    ]) {
      const refused = await expectKiiError(
        await server.api(listing(query), { token: admin }),
        400,
        'INVALID_INPUT_DATA',
      );
      expect(Object.keys(refused.invalidFields ?? {})).toEqual([field]);
    }
    await expectKiiError(
      await server.api(listing('?owner=alice'), { token: admin }),
      400,
      'INVALID_INPUT_DATA',
    );
  });

  it('logs every push message, newest first, with its target, sender and the recipients reached', async () => {
    const endpoint = await rest.mqttEndpointFor(alice.token);
    const receiver = await mqttJsReceiver(endpoint, 'tcp');
    receivers.push(receiver);
    const news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
    await rest.subscribe(admin, news, { userID: alice.id });
    await rest.subscribe(admin, news, { userID: bob.id });

    const before = Date.now();
    const topicMessage = await rest.send(admin, news, { data: { n: 1 } });
    const directMessage = await rest.send(alice.token, `${rest.app}/users/me`, { data: { n: 2 } });
    await receiver.next();
    await receiver.next();

    const log = await expectOk<{ deliveries: Delivery[]; nextPaginationKey?: string }>(
      await server.api(x(`${rest.app}/deliveries`), { token: admin }),
    );
    expect(log.deliveries).toEqual([
      {
        pushMessageID: directMessage,
        target: `kiicloud://users/${alice.id}`,
        sender: `kiicloud://users/${alice.id}`,
        recipients: 1,
        payloadBytes: jasmine.any(Number),
        sentAt: jasmine.any(Number),
      },
      {
        pushMessageID: topicMessage,
        target: 'kiicloud://topics/news',
        sender: 'kiicloud://admins/APP_ADMIN',
        // bob subscribes but has no MQTT connection.
        recipients: 1,
        payloadBytes: jasmine.any(Number),
        sentAt: jasmine.any(Number),
      },
    ]);
    expect(log.deliveries[1].sentAt).toBeGreaterThanOrEqual(before);
    expect(log.deliveries[0].payloadBytes).toBe(
      Buffer.byteLength(JSON.stringify(receiver.received[1])),
    );

    const page = await expectOk<{ deliveries: Delivery[]; nextPaginationKey?: string }>(
      await server.api(x(`${rest.app}/deliveries?limit=1`), { token: admin }),
    );
    expect(page.deliveries.map((row) => row.pushMessageID)).toEqual([directMessage]);
    const rest2 = await expectOk<{ deliveries: Delivery[]; nextPaginationKey?: string }>(
      await server.api(
        x(`${rest.app}/deliveries?limit=1&paginationKey=${page.nextPaginationKey}`),
        { token: admin },
      ),
    );
    expect(rest2.deliveries.map((row) => row.pushMessageID)).toEqual([topicMessage]);
    expect(rest2.nextPaginationKey).toBeUndefined();
  });

  it('gives the admin a read-only tap that receives every push, wrapped with where it went', async () => {
    const tap = await expectOk<MqttEndpoint>(
      await server.api(x(`${rest.app}/tap`), { method: 'POST', token: admin }),
      201,
    );
    expect(tap['X-MQTT-TTL']).toBeGreaterThan(0);
    expect(tap.portWS).toBe(server.app.kii.ports.http);
    expect(await connackCode(tap, 'ws', { clientId: `${tap.mqttTopic}x` })).toBe(2);
    const tapReceiver = await mqttJsReceiver(tap, 'ws');
    receivers.push(tapReceiver);
    const aliceReceiver = await mqttJsReceiver(await rest.mqttEndpointFor(alice.token), 'tcp');
    receivers.push(aliceReceiver);

    const news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
    await rest.subscribe(admin, news, { userID: alice.id });
    const topicMessage = await rest.send(admin, news, { data: { n: 1 } });
    const directMessage = await rest.send(admin, `${rest.app}/users/${bob.id}`, { data: { n: 2 } });

    const [first, second] = [await tapReceiver.next(), await tapReceiver.next()];
    expect(first).toEqual({
      pushMessageID: topicMessage,
      target: 'kiicloud://topics/news',
      sender: 'kiicloud://admins/APP_ADMIN',
      recipients: 1,
      sentAt: jasmine.any(Number),
      payload: await aliceReceiver.next(),
    });
    // Bob has no connection: the tap still sees the message, with no recipients.
    expect(second).toEqual(
      jasmine.objectContaining({
        pushMessageID: directMessage,
        target: `kiicloud://users/${bob.id}`,
        recipients: 0,
      }),
    );
    expect((second.payload as Record<string, unknown>).n).toBe(2);

    // Read-only: a PUBLISH from the tap closes it and reaches nobody.
    tapReceiver.client!.publish(tap.mqttTopic, '{"forged":true}');
    await tapReceiver.closed;
    expect(tapReceiver.received.length).toBe(2);
  });
});
