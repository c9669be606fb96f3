import {
  eventually,
  expectOk,
  kiiRest,
  topicPath,
  type KiiRest,
  type Principal,
} from '../testing/kii-rest';
import {
  connackCode,
  mqttJsReceiver,
  rawConnect,
  rawSubscribe,
  type MqttEndpoint,
  type PushReceiver,
} from '../testing/mqtt-clients';
import { parseArgs, UsageError } from '../config';
import { Redis } from 'ioredis';
import { redisOptions } from './cluster-link';
import { startBrokerNode, type BrokerNodeAddress } from '../testing/cluster-nodes';
import { startRedis, type LocalRedis } from '../testing/redis-server';
import { startTestServer, type TestServer } from '../testing/test-server';
import { traceApi } from '../testing/trace-api';

/**
 * The cluster mode (docs/scale-out.md) on a real redis-server: an API node and two broker nodes
 * in this process, real MQTT clients on the broker nodes. Every Kii promise of the single
 * process must hold across nodes.
 */
describe('cluster on Redis: an API node and two broker nodes', () => {
  let redis: LocalRedis;
  let api: TestServer;
  let rest: KiiRest;
  let admin: string;
  let nodeA: Awaited<ReturnType<typeof startBrokerNode>>;
  let nodeB: Awaited<ReturnType<typeof startBrokerNode>>;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    // Each spec its own app ID: the directory and channels are per app, so nothing leaks.
    const appId = `app${Math.random().toString(36).slice(2, 10)}`;
    api = await startTestServer({ cluster: redis.socketPath, appId });
    rest = kiiRest(api);
    admin = await api.adminToken();
    [nodeA, nodeB] = await Promise.all([
      startBrokerNode(redis.socketPath, appId),
      startBrokerNode(redis.socketPath, appId),
    ]);
    // The API node routes to nodes it has heard from.
    await eventually(() => api.app.clusterNodes().length === 2, 5000, 'both broker nodes heard');
  });
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
    await Promise.all([nodeA.close(), nodeB.close()]);
    await api.close();
  });

  async function userOn(node: BrokerNodeAddress, name: string) {
    const user = await rest.registerUser(name);
    const endpoint = node.at(await rest.mqttEndpointFor(user.token));
    return { user, endpoint };
  }

  async function receiverOn(endpoint: MqttEndpoint, transport: 'tcp' | 'ws' = 'ws') {
    const receiver = await mqttJsReceiver(endpoint, transport);
    closers.push(() => receiver.close());
    return receiver;
  }

  async function pushTo(users: Principal[], data: Record<string, unknown>) {
    const topic = topicPath.app(api, `t${Math.random().toString(36).slice(2, 8)}`);
    await rest.createTopic(admin, topic);
    for (const user of users) await rest.subscribe(admin, topic, { userID: user.id });
    return rest.send(admin, topic, { data });
  }

  it('delivers one push to clients on both broker nodes and traces each write to its connection', async () => {
    const alice = await userOn(nodeA, 'alice');
    const bob = await userOn(nodeB, 'bob');
    const carol = await userOn(nodeB, 'carol');
    const aliceRx = await receiverOn(alice.endpoint, 'ws');
    const bobRx = await receiverOn(bob.endpoint, 'tcp');
    const id = await pushTo([alice.user, bob.user, carol.user], { hello: 'cluster' });
    expect((await aliceRx.next()).hello).toBe('cluster');
    expect((await bobRx.next()).hello).toBe('cluster');
    expect(aliceRx.foreign).toEqual([]);
    expect(bobRx.foreign).toEqual([]);

    const report = await traceApi(api, rest, admin).push(id);
    expect(report.outcomes).toEqual({ DELIVERED: 2, NOT_CONNECTED: 1 });
    const rows = new Map(report.recipientRows.map((row) => [row.userID, row]));
    expect(rows.get(alice.user.id)).toEqual(
      jasmine.objectContaining({ outcome: 'DELIVERED', transport: 'ws' }),
    );
    expect(rows.get(bob.user.id)).toEqual(
      jasmine.objectContaining({ outcome: 'DELIVERED', transport: 'tcp' }),
    );
    expect(rows.get(carol.user.id)?.outcome).toBe('NOT_CONNECTED');
    // The connection written to is in the API node's history, as on a single process (broker
    // nodes report every 100 ms).
    const trace = traceApi(api, rest, admin);
    await eventually(
      async () =>
        (await trace.history(alice.endpoint.installationID)).connections[0]?.subscribedAt != null,
      3000,
      'the subscribed connection in the history',
    );
    const history = await trace.history(alice.endpoint.installationID);
    expect(history.connected).toBeTrue();
    expect(history.connections[0]).toEqual(
      jasmine.objectContaining({
        connectionID: rows.get(alice.user.id)!.connectionID!,
        transport: 'ws',
        closedAt: null,
      }),
    );
    expect(history.connections[0].subscribedAt).not.toBeNull();
  });

  it('lets a connection on node B take over the client ID from node A', async () => {
    const alice = await userOn(nodeA, 'alice');
    const first = await receiverOn(alice.endpoint);
    const second = await receiverOn(nodeB.at(alice.endpoint));
    await first.closed;
    expect(second.connected).toBeTrue();
    const id = await pushTo([alice.user], { n: 1 });
    expect((await second.next()).n).toBe(1);
    expect(first.received).toEqual([]);
    const trace = traceApi(api, rest, admin);
    const report = await trace.push(id);
    expect(report.outcomes).toEqual({ DELIVERED: 1 });
    // The API node's history covers both nodes (broker nodes report every 100 ms): the open
    // connection on B, and A's closed by it.
    await eventually(
      async () => (await trace.history(alice.endpoint.installationID)).connections.length === 2,
      3000,
      'both connections in the history',
    );
    const history = await trace.history(alice.endpoint.installationID);
    expect(history.connected).toBeTrue();
    const [open, replaced] = history.connections;
    expect(open.closedAt).toBeNull();
    expect(open.connectionID).toBe(report.recipientRows[0].connectionID!);
    expect(replaced).toEqual(
      jasmine.objectContaining({
        closeReason: 'TAKEOVER',
        detail: 'by a connection on another cluster node',
      }),
    );
  });

  it('carries only the aedes announcements some node listens for through Redis (new clients, not subscribes or disconnects)', async () => {
    const watcher = new Redis(redisOptions(redis.socketPath));
    closers.push(async () => watcher.disconnect());
    const seen: string[] = [];
    const prefix = `kpc:${api.config.appId}:$SYS/`;
    watcher.on('pmessage', (_pattern, channel: string) => seen.push(channel.slice(prefix.length)));
    await watcher.psubscribe(`${prefix}*`);
    const { endpoint } = await userOn(nodeA, 'alice');
    const receiver = await receiverOn(endpoint);
    await receiver.close();
    await eventually(() => seen.some((c) => c.endsWith('/new/clients')), 3000, 'new/clients');
    // Time for the disconnect's announcements, were they sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const kinds = new Set(seen.map((channel) => channel.split('/').slice(1).join('/')));
    // heartbeat and birth: aedes' own, listened for by every node.
    kinds.delete('heartbeat');
    kinds.delete('birth');
    expect([...kinds]).toEqual(['new/clients']);
  });

  it('applies the broker policy on a broker node: wrong password, other topics, client PUBLISH', async () => {
    const alice = await userOn(nodeA, 'alice');
    expect(await connackCode({ ...alice.endpoint, password: 'wrong' }, 'tcp')).toBe(4);
    expect(await connackCode({ ...alice.endpoint, username: 'nobody' }, 'tcp')).toBe(4);
    expect(await connackCode(alice.endpoint, 'tcp', { clientId: 'another-id' })).toBe(2);
    const raw = await rawConnect(alice.endpoint, 30);
    closers.push(async () => raw.socket.destroy());
    expect(raw.returnCode).toBe(0);
    expect(await rawSubscribe(raw.socket, 'someone-else')).toBe(128);
    expect(await rawSubscribe(raw.socket, alice.endpoint.mqttTopic)).toBe(0);
    // A client PUBLISH is refused by closing the connection (MQTT-3.3.5-2).
    const receiver = await receiverOn(nodeB.at(alice.endpoint), 'tcp');
    receiver.client.publish(alice.endpoint.mqttTopic, 'from the device');
    await receiver.closed;
  });

  it('drops a client silent for 1.5 x its keep-alive on a broker node', async () => {
    const alice = await userOn(nodeA, 'alice');
    const raw = await rawConnect(alice.endpoint, 1);
    closers.push(async () => raw.socket.destroy());
    const closedAt = await raw.closed;
    const silentMs = closedAt - raw.connectSentAt;
    expect(silentMs).toBeGreaterThanOrEqual(1400);
    expect(silentMs).toBeLessThan(4000);
  });

  it('closes the connection on its broker node when the API node uninstalls it, and refuses its credentials after', async () => {
    const alice = await userOn(nodeA, 'alice');
    const receiver = await receiverOn(alice.endpoint);
    await expectOk(
      await api.api(`${rest.app}/installations/${alice.endpoint.installationID}`, {
        method: 'DELETE',
        token: admin,
      }),
      204,
    );
    await receiver.closed;
    await eventually(
      async () => (await connackCode(nodeB.at(alice.endpoint), 'tcp')) === 4,
      3000,
      'the uninstalled credentials refused on the other node',
    );
  });

  it('closes the connection when the user is deleted on the API node', async () => {
    const alice = await userOn(nodeB, 'alice');
    const receiver = await receiverOn(alice.endpoint);
    await expectOk(
      await api.api(`${rest.app}/users/${alice.user.id}`, { method: 'DELETE', token: admin }),
      204,
    );
    await receiver.closed;
  });

  it('passes a thing connecting on a broker node as online to the API node', async () => {
    const thing = await rest.registerThing('sensor-1');
    const endpoint = nodeA.at(await rest.mqttEndpointFor(thing.token));
    const online = async () =>
      (
        await expectOk<{ _online: boolean }>(
          await api.api(`${rest.app}/things/${thing.id}`, { token: admin }),
        )
      )._online;
    const receiver = await receiverOn(endpoint);
    await eventually(online, 3000, 'the thing online');
    await receiver.close();
    await eventually(async () => !(await online()), 3000, 'the thing offline');
  });
});

describe('cluster on Redis: credentials that expire', () => {
  it('refuses expired credentials on a broker node and closes a connection when they expire', async () => {
    const redis = await startRedis();
    const appId = 'expiring';
    const api = await startTestServer({ cluster: redis.socketPath, appId, mqttTtlSeconds: 2 });
    const node = await startBrokerNode(redis.socketPath, appId);
    let receiver: PushReceiver | undefined;
    try {
      const rest = kiiRest(api);
      const user = await rest.registerUser('alice');
      const endpoint = node.at(await rest.mqttEndpointFor(user.token));
      receiver = await mqttJsReceiver(endpoint, 'tcp');
      const started = Date.now();
      await receiver.closed;
      expect(Date.now() - started).toBeLessThan(3500);
      expect(await connackCode(endpoint, 'tcp')).toBe(4);
    } finally {
      await receiver?.close().catch(() => undefined);
      await node.close();
      await api.close();
      await redis.stop();
    }
  });
});

describe('cluster mode: starting', () => {
  it('refuses to start when Redis is not there, saying where it looked', async () => {
    await expectAsync(
      startTestServer({ cluster: '/nonexistent/redis.sock' }),
    ).toBeRejectedWithError(/cannot reach Redis at \/nonexistent\/redis\.sock/);
  });

  it('takes a Redis URL or a socket path, and a broker node needs the cluster', () => {
    expect(redisOptions('redis://:pw@10.0.0.5:6380/2')).toEqual(
      jasmine.objectContaining({ host: '10.0.0.5', port: 6380, password: 'pw', db: 2 }),
    );
    expect(redisOptions('/run/redis.sock')).toEqual({ path: '/run/redis.sock' });
    expect(() => redisOptions('http://10.0.0.5')).toThrowError(/redis:\/\/host:port/);
    expect(() => parseArgs(['--broker-only'])).toThrowError(UsageError, /needs --cluster/);
  });
});
