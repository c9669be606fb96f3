import type { Principal as SenderPrincipal } from '../auth';
import { eventually, expectOk, kiiRest, type KiiRest, type Principal } from '../testing/kii-rest';
import {
  connackCode,
  mqttJsReceiver,
  rawConnect,
  rawSubscribe,
  type MqttEndpoint,
  type PushReceiver,
} from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

/** CONNACK return codes of MQTT 3.1.1. */
const ACCEPTED = 0;
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

/** The broker's policy (docs/kii-api.md §9): who may connect, subscribe and publish, and for how long. */
describe('broker policy', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  const closers: (() => Promise<unknown> | unknown)[] = [];

  async function start(overrides: Parameters<typeof startTestServer>[0] = {}) {
    server = await startTestServer(overrides);
    rest = kiiRest(server);
    admin = await server.adminToken();
  }

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await server?.close();
  });

  function keep<T extends PushReceiver>(receiver: T): T {
    closers.push(() => receiver.close());
    return receiver;
  }

  async function userWithEndpoint(
    loginName: string,
    development = false,
  ): Promise<{ user: Principal; endpoint: MqttEndpoint }> {
    const user = await rest.registerUser(loginName);
    return { user, endpoint: await rest.mqttEndpointFor(user.token, development) };
  }

  const directPush = (userID: string, data: Record<string, unknown>) =>
    rest.send(admin, `${rest.app}/users/${userID}`, { data });

  describe('with default settings', () => {
    beforeEach(() => start());

    it('closes a connection that stays silent for 1.5 x its keep-alive', async () => {
      const { endpoint } = await userWithEndpoint('quiet');
      const raw = await rawConnect(endpoint, 1);
      closers.push(() => raw.socket.destroy());
      expect(raw.returnCode).toBe(ACCEPTED);
      const closedAt = await raw.closed;
      const silentFor = closedAt - raw.connectSentAt;
      expect(silentFor).toBeGreaterThanOrEqual(1500);
      expect(silentFor).toBeLessThan(2500);
    });

    it('lets a second connection with the same client ID take over: the first is closed, the second gets the next push', async () => {
      const thing = await rest.registerThing('takeover-thing');
      const endpoint = await rest.mqttEndpointFor(thing.token);
      const first = keep(await mqttJsReceiver(endpoint, 'tcp'));
      const second = keep(await mqttJsReceiver(endpoint, 'ws'));
      await first.closed;
      expect(second.connected).toBe(true);

      await rest.createTopic(admin, `${rest.app}/topics/alerts`);
      await rest.subscribe(admin, `${rest.app}/topics/alerts`, { thingID: thing.id });
      await rest.send(admin, `${rest.app}/topics/alerts`, { data: { n: 1 } });
      expect((await second.next()).n).toBe(1);
      expect(first.received).toEqual([]);
      // The thing stays online: its connection was replaced, not lost.
      const loaded = await expectOk<{ _online: boolean }>(
        await server.api(`${rest.app}/things/${thing.id}`, { token: admin }),
      );
      expect(loaded._online).toBe(true);
    });

    it('refuses a wrong password and an unknown user name with CONNACK 4, a wrong client ID with CONNACK 2', async () => {
      const { endpoint } = await userWithEndpoint('mallory');
      const { endpoint: other } = await userWithEndpoint('victim');
      expect(await connackCode({ ...endpoint, password: `${endpoint.password}x` }, 'tcp')).toBe(
        BAD_USERNAME_OR_PASSWORD,
      );
      expect(await connackCode({ ...endpoint, password: other.password }, 'ws')).toBe(
        BAD_USERNAME_OR_PASSWORD,
      );
      expect(await connackCode({ ...endpoint, username: 'nobody' }, 'tcp')).toBe(
        BAD_USERNAME_OR_PASSWORD,
      );
      expect(await connackCode(endpoint, 'tcp', { clientId: other.mqttTopic })).toBe(
        IDENTIFIER_REJECTED,
      );
      expect(await connackCode(endpoint, 'ws', { clientId: `${endpoint.mqttTopic}-2` })).toBe(
        IDENTIFIER_REJECTED,
      );
      expect(await connackCode(endpoint, 'tcp')).toBe(ACCEPTED);
    });

    it('refuses a SUBSCRIBE to any topic but the own mqttTopic in the SUBACK (128) and keeps the connection', async () => {
      const { user, endpoint } = await userWithEndpoint('curious');
      const { endpoint: other } = await userWithEndpoint('neighbour');
      const receiver = keep(await mqttJsReceiver(endpoint, 'tcp'));
      // MQTT.js rejects a SUBSCRIBE that was refused, with the SUBACK attached.
      const refused = await receiver.client
        .subscribeAsync([other.mqttTopic, '#', `${endpoint.mqttTopic}/+`], { qos: 0 })
        .then(
          () => fail('the SUBSCRIBE should be refused'),
          (error: { packet?: { granted?: number[] } }) => error,
        );
      expect(refused?.packet?.granted).toEqual([128, 128, 128]);
      expect(receiver.connected).toBe(true);

      await directPush(user.id, { still: 'here' });
      expect((await receiver.next()).still).toBe('here');
      expect(receiver.foreign).toEqual([]);
    });

    it('closes a connection that PUBLISHes, and nobody receives what it sent', async () => {
      const { endpoint } = await userWithEndpoint('publisher');
      const { user: target, endpoint: targetEndpoint } = await userWithEndpoint('target');
      const listener = keep(await mqttJsReceiver(targetEndpoint, 'ws'));
      const publisher = keep(await mqttJsReceiver(endpoint, 'tcp'));

      publisher.client.publish(targetEndpoint.mqttTopic, JSON.stringify({ forged: true }), {
        qos: 0,
      });
      publisher.client.publish(endpoint.mqttTopic, JSON.stringify({ forged: 'to self' }), {
        qos: 0,
      });
      await publisher.closed;

      // A real push sent afterwards is the first thing the target receives.
      await directPush(target.id, { real: true });
      expect(await listener.next()).toEqual(jasmine.objectContaining({ real: true }));
      expect(listener.received.length).toBe(1);
      expect(publisher.received).toEqual([]);
    });

    it('does not let a frozen subscriber stall delivery to the others', async () => {
      const frozenUser = await userWithEndpoint('frozen');
      const healthyUser = await userWithEndpoint('healthy');
      const topic = `${rest.app}/topics/firehose`;
      await rest.createTopic(admin, topic);
      await rest.subscribe(admin, topic, { userID: frozenUser.user.id });
      await rest.subscribe(admin, topic, { userID: healthyUser.user.id });

      const frozen = await rawConnect(frozenUser.endpoint, 60);
      closers.push(() => frozen.socket.destroy());
      expect(await rawSubscribe(frozen.socket, frozenUser.endpoint.mqttTopic)).toBe(0);
      frozen.socket.pause();
      const healthy = keep(await mqttJsReceiver(healthyUser.endpoint, 'tcp'));

      // Enough volume to fill the frozen socket's buffers many times over. Sent through the
      // server's own delivery (what the push route calls) because 3,000 HTTP requests would
      // make this spec slow without testing anything more.
      const adminPrincipal: SenderPrincipal = {
        type: 'admin',
        id: server.config.clientId,
        token: admin,
      };
      const filler = 'x'.repeat(3500);
      const count = 3000;
      const recipients = [
        { type: 'user' as const, id: frozenUser.user.id },
        { type: 'user' as const, id: healthyUser.user.id },
      ];
      for (let i = 0; i < count; i++) {
        server.app.kii.delivery.send(
          { data: { i, filler } },
          { kind: 'topic', scope: { type: 'APP', id: '' }, topicId: 'firehose' },
          recipients,
          adminPrincipal,
        );
      }
      await eventually(
        () => healthy.received.length === count,
        4000,
        `all ${count} pushes at the healthy subscriber`,
      );
      expect(healthy.received.at(-1)!.i).toBe(count - 1);
      // The frozen connection really was backed up, so the case above was exercised.
      const frozenClient = (
        server.app.kii.broker.aedes as unknown as {
          clients: Record<string, { conn: { writableLength: number } }>;
        }
      ).clients[frozenUser.endpoint.mqttTopic];
      expect(frozenClient?.conn.writableLength ?? 0).toBeGreaterThan(0);
    }, 10_000);
  });

  describe('with a 1 s endpoint TTL', () => {
    beforeEach(() => start({ mqttTtlSeconds: 1 }));

    it('closes the connection at expiry, refuses the old credentials, and a new endpoint fetch issues fresh ones that work', async () => {
      const user = await rest.registerUser('short-lived');
      const { installationID } = await rest.installMqtt(user.token);
      const old = await rest.endpoint(user.token, installationID);
      expect(old['X-MQTT-TTL']).toBe(1);
      const receiver = keep(await mqttJsReceiver(old, 'tcp'));
      await receiver.closed;

      expect(await connackCode(old, 'tcp')).toBe(BAD_USERNAME_OR_PASSWORD);
      const fresh = await rest.endpoint(user.token, installationID);
      expect(fresh.installationID).toBe(installationID);
      expect(fresh.username).not.toBe(old.username);
      expect(fresh.password).not.toBe(old.password);
      expect(fresh.mqttTopic).not.toBe(old.mqttTopic);
      expect(await connackCode(old, 'ws')).toBe(BAD_USERNAME_OR_PASSWORD);

      const renewed = keep(await mqttJsReceiver(fresh, 'ws'));
      await directPush(user.id, { after: 'renewal' });
      expect((await renewed.next()).after).toBe('renewal');
    });
  });
});
