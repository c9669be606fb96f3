import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectKiiError, expectOk, kiiRest, topicPath } from '../testing/kii-rest';
import type { KiiRest, Principal } from '../testing/kii-rest';
import { traceApi, type PushReport } from '../testing/trace-api';
import {
  connectMqttJs,
  mqttJsReceiver,
  pahoReceiver,
  rawConnect,
  rawSubscribe,
  type MqttEndpoint,
} from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

describe('delivery trace: every outcome of a push, read back through the x-local API', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  const closers: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
    await server.close();
  });

  async function start(overrides = {}) {
    server = await startTestServer(overrides);
    rest = kiiRest(server);
    admin = await server.adminToken();
    return traceApi(server, rest, admin);
  }

  async function installed(user: Principal, development = false) {
    return rest.mqttEndpointFor(user.token, development);
  }

  it('records one push to seven owners with each outcome, the connection written to and the takeover', async () => {
    const trace = await start();
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const [alice, bob, carol, dave, erin, frank] = await Promise.all(
      names.map((name) => rest.registerUser(name)),
    );
    const thing = await rest.registerThing('sensor-1');
    const news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
    for (const who of [alice, bob, carol, dave, erin, frank])
      await rest.subscribe(admin, news, { userID: who.id });
    await rest.subscribe(admin, news, { thingID: thing.id });

    const [aliceEp, bobEp, daveEp, erinEp, frankEp] = await Promise.all([
      installed(alice),
      installed(bob, true),
      installed(dave),
      installed(erin),
      installed(frank),
    ]);
    const thingEp: MqttEndpoint = await rest.mqttEndpointFor(thing.token);
    const aliceRx = await mqttJsReceiver(aliceEp, 'ws');
    const bobRx = await mqttJsReceiver(bobEp, 'tcp');
    const thingRx = await pahoReceiver(thingEp);
    // dave connects and leaves with DISCONNECT: NOT_CONNECTED, history CLIENT_DISCONNECT.
    await (await connectMqttJs(daveEp, 'tcp')).endAsync();
    // erin is connected but her only SUBSCRIBE (to another topic) is refused: NOT_SUBSCRIBED.
    const erinClient = await connectMqttJs(erinEp, 'tcp');
    const refused = await erinClient.subscribeAsync('someone-else', { qos: 0 }).then(
      () => 'granted',
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted?.[0],
    );
    expect(refused).toBe(128);
    // frank connects twice with the same credentials: the second (WebSocket) takes over.
    const frankFirst = await mqttJsReceiver(frankEp, 'tcp');
    const frankSecond = await mqttJsReceiver(frankEp, 'ws');
    await frankFirst.closed;
    closers.push(
      () => aliceRx.close(),
      () => bobRx.close(),
      () => thingRx.close(),
      () => erinClient.endAsync(true),
      () => frankSecond.close(),
    );

    const id = await rest.send(admin, news, { data: { hello: 1 }, sendToDevelopment: false });
    await Promise.all([aliceRx.next(), thingRx.next(), frankSecond.next()]);
    const report = await trace.push(id);

    expect(report).toEqual(
      jasmine.objectContaining({
        pushMessageID: id,
        target: `kiicloud://topics/news`,
        sender: 'kiicloud://admins/APP_ADMIN',
        sendToDevelopment: false,
        sendToProduction: true,
        recipients: 7,
        targeted: 7,
        delivered: 3,
        outcomes: {
          DELIVERED: 3,
          ENVIRONMENT_FILTERED: 1,
          NO_MQTT_INSTALLATION: 1,
          NOT_CONNECTED: 1,
          NOT_SUBSCRIBED: 1,
        },
        rowsKept: 7,
        rowsOmitted: 0,
      }),
    );
    expect(report.timeToWriteMs!.p50).toBeGreaterThanOrEqual(0);
    const rowOf = (owner: Principal) =>
      report.recipientRows.find((row) => row.userID === owner.id || row.thingID === owner.id)!;
    expect(rowOf(bob).outcome).toBe('ENVIRONMENT_FILTERED');
    expect(rowOf(carol)).toEqual({
      installationID: null,
      userID: carol.id,
      outcome: 'NO_MQTT_INSTALLATION',
    });
    expect(rowOf(dave).outcome).toBe('NOT_CONNECTED');
    expect(rowOf(erin).outcome).toBe('NOT_SUBSCRIBED');
    expect(rowOf(alice)).toEqual(
      jasmine.objectContaining({ outcome: 'DELIVERED', transport: 'ws' }),
    );
    expect(rowOf(thing)).toEqual(
      jasmine.objectContaining({ outcome: 'DELIVERED', installationID: thingEp.installationID }),
    );

    // The takeover: the push went to frank's second connection, which replaced the first.
    const frankHistory = await trace.history(frankEp.installationID);
    const [second, first] = frankHistory.connections;
    expect(frankHistory.connected).toBe(true);
    expect(second).toEqual(
      jasmine.objectContaining({ transport: 'ws', closedAt: null, tookOver: first.connectionID }),
    );
    expect(first).toEqual(
      jasmine.objectContaining({
        transport: 'tcp',
        closeReason: 'TAKEOVER',
        takenOverBy: second.connectionID,
      }),
    );
    expect(rowOf(frank)).toEqual(
      jasmine.objectContaining({ outcome: 'DELIVERED', connectionID: second.connectionID }),
    );
    const daveHistory = await trace.history(daveEp.installationID);
    expect(daveHistory.connected).toBe(false);
    expect(daveHistory.connections.map((c) => c.closeReason)).toEqual(['CLIENT_DISCONNECT']);
    expect(daveHistory.lastSeenAt).toBe(daveHistory.connections[0].closedAt);

    // One installation's outcome for the push, and its recent pushes.
    const forDave = await trace.deliveries(daveEp.installationID, `?pushMessageID=${id}`);
    expect(forDave.deliveries.map((d) => d.outcome)).toEqual(['NOT_CONNECTED']);
    const forAlice = await trace.deliveries(aliceEp.installationID);
    expect(forAlice.deliveries[0]).toEqual(
      jasmine.objectContaining({ pushMessageID: id, outcome: 'DELIVERED' }),
    );
    // Rows of one outcome, paged.
    const delivered = await trace.push(id, '?outcome=DELIVERED&limit=2');
    expect(delivered.recipientRows.length).toBe(2);
    expect(delivered.nextPaginationKey).toBe('2');
    const rest2 = await trace.push(id, '?outcome=DELIVERED&limit=2&paginationKey=2');
    expect(rest2.recipientRows.length).toBe(1);
    expect(rest2.nextPaginationKey).toBeUndefined();
    await expectKiiError(
      await server.api(`/x-local/v1${rest.app}/pushes/nosuchpush`, { token: admin }),
      404,
      'PUSH_MESSAGE_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(`/x-local/v1${rest.app}/pushes/${id}`, { token: alice.token }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('says CREDENTIALS_EXPIRED for an installation whose endpoint expired (--mqtt-ttl 1)', async () => {
    const trace = await start({ mqttTtlSeconds: 1 });
    const alice = await rest.registerUser('alice');
    const endpoint = await installed(alice);
    const receiver = await mqttJsReceiver(endpoint, 'tcp');
    await receiver.closed;
    // A CONNECT with the expired credentials is refused and joins the history too.
    await expectAsync(connectMqttJs(endpoint, 'tcp')).toBeRejected();
    const id = await rest.send(admin, `${rest.app}/users/${alice.id}`, { data: { late: true } });

    const report = await trace.push(id);
    expect(report.outcomes).toEqual({ CREDENTIALS_EXPIRED: 1 });
    const history = await trace.history(endpoint.installationID);
    expect(history.connections.map((c) => [c.closeReason, c.detail])).toEqual([
      ['CONNECT_REFUSED', 'CREDENTIALS_EXPIRED'],
      ['CREDENTIALS_EXPIRED', null],
    ]);
  });

  /**
   * A raw TCP subscriber of `user` that stops reading (frozen), so the server's socket buffer
   * fills up; then pushes of about 4 KB in bursts of 100 until `enough()` (a few MB on loopback).
   */
  async function freezeAndFlood(user: Principal, enough: (lastId: string) => Promise<boolean>) {
    const endpoint = await installed(user);
    const { socket } = await rawConnect(endpoint, 0);
    expect(await rawSubscribe(socket, endpoint.mqttTopic)).toBe(0);
    socket.pause();
    closers.push(async () => socket.destroy());
    const { delivery } = server.app.kii;
    const sender = { type: 'admin', id: server.config.clientId, token: '' } as const;
    const blob = 'x'.repeat(3900);
    const ids: string[] = [];
    for (let burst = 0; burst < 40; burst++) {
      for (let i = 0; i < 100; i++) {
        const sent = delivery.send(
          { data: { blob } },
          { kind: 'direct', userId: user.id },
          [{ type: 'user', id: user.id }],
          sender,
        );
        ids.push(sent.pushMessageID);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (await enough(ids[ids.length - 1])) return { endpoint, socket, ids };
    }
    throw new Error('the frozen subscriber never held up a write');
  }

  it('says DROPPED_SLOW_CONSUMER for writes lost when the drain timeout cut a frozen subscriber', async () => {
    const trace = await start({ mqttDrainTimeoutMs: 300 });
    const alice = await rest.registerUser('alice');
    let disconnected = false;
    const cut = once(server.app.kii.broker.aedes, 'clientDisconnect');
    void cut.then(() => (disconnected = true));
    const { endpoint, ids } = await freezeAndFlood(alice, async () => disconnected);
    await cut;
    // This installation's outcomes, one per push, newest first.
    const outcomes = new Map<string, string>();
    let page = '?limit=1000';
    for (;;) {
      const body = await expectOk<{
        deliveries: { pushMessageID: string; outcome: string }[];
        nextPaginationKey?: string;
      }>(
        await server.api(
          `/x-local/v1${rest.app}/installations/${endpoint.installationID}/deliveries${page}`,
          { token: admin },
        ),
      );
      for (const d of body.deliveries) outcomes.set(d.pushMessageID, d.outcome);
      if (!body.nextPaginationKey) break;
      page = `?limit=1000&paginationKey=${body.nextPaginationKey}`;
    }
    const inOrder = ids.map((id) => outcomes.get(id));
    // Written while the socket took them, then dropped with the connection, then nobody there.
    const firstDropped = inOrder.indexOf('DROPPED_SLOW_CONSUMER');
    expect(firstDropped).toBeGreaterThan(0);
    expect(new Set(inOrder.slice(0, firstDropped))).toEqual(new Set(['DELIVERED']));
    const dropped = ids[firstDropped];
    const report = await trace.push(dropped);
    expect(report.recipientRows[0]).toEqual(
      jasmine.objectContaining({
        outcome: 'DROPPED_SLOW_CONSUMER',
        detail: 'drain timeout',
        transport: 'tcp',
      }),
    );
    const history = await trace.history(endpoint.installationID);
    expect(history.connections[0]).toEqual(
      jasmine.objectContaining({ closeReason: 'DRAIN_TIMEOUT', detail: 'drain timeout' }),
    );
  });
  it('says CONNECTION_CLOSED for writes waiting on a connection that was lost meanwhile', async () => {
    const trace = await start({ mqttDrainTimeoutMs: 60_000 });
    const alice = await rest.registerUser('alice');
    // Enough once a push stays unsettled: its write waits for a socket that no longer drains
    // (the kernel buffers on both ends are full; before that a drain can still come).
    const complete = async (id: string) =>
      (
        await expectOk<PushReport>(
          await server.api(`/x-local/v1${rest.app}/pushes/${id}`, { token: admin }),
        )
      ).complete;
    const { endpoint, socket, ids } = await freezeAndFlood(alice, async (id) => {
      if (await complete(id)) return false;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return !(await complete(id));
    });
    // The client goes away without DISCONNECT; unread bytes make its close a reset.
    socket.resetAndDestroy();

    const waiting = await trace.push(ids[ids.length - 1]);
    expect(waiting.outcomes).toEqual({ CONNECTION_CLOSED: 1 });
    const history = await trace.history(endpoint.installationID);
    expect(waiting.recipientRows[0]).toEqual(
      jasmine.objectContaining({
        installationID: endpoint.installationID,
        outcome: 'CONNECTION_CLOSED',
        detail: 'CONNECTION_LOST',
        connectionID: history.connections[0].connectionID,
        transport: 'tcp',
      }),
    );
    expect(history.connected).toBe(false);
    expect(history.connections[0]).toEqual(
      jasmine.objectContaining({ closeReason: 'CONNECTION_LOST', closedAt: jasmine.any(Number) }),
    );
    expect(history.connections[0].detail).toMatch(/ECONNRESET|EPIPE/);
    expect((await trace.push(ids[0])).outcomes).toEqual({ DELIVERED: 1 });
  }, 20_000);

  it('says MQTT_DISABLED when the message switches MQTT off, for a subscriber that is connected', async () => {
    const trace = await start();
    const alice = await rest.registerUser('alice');
    const endpoint = await installed(alice);
    const receiver = await mqttJsReceiver(endpoint, 'tcp');
    closers.push(() => receiver.close());
    const path = `${rest.app}/users/${alice.id}`;
    const off = await rest.send(admin, path, { data: { n: 1 }, mqtt: { enabled: false } });
    const on = await rest.send(admin, path, { data: { n: 2 } });
    expect((await receiver.next()).n).toBe(2);

    const report = await trace.push(off);
    expect(report).toEqual(
      jasmine.objectContaining({ targeted: 1, delivered: 0, outcomes: { MQTT_DISABLED: 1 } }),
    );
    expect(report.recipientRows).toEqual([
      { installationID: endpoint.installationID, userID: alice.id, outcome: 'MQTT_DISABLED' },
    ]);
    expect((await trace.push(on)).outcomes).toEqual({ DELIVERED: 1 });
  });

  it('keeps nothing with --delivery-ledger=false, and still delivers', async () => {
    await start({ deliveryLedger: false });
    const alice = await rest.registerUser('alice');
    const receiver = await mqttJsReceiver(await installed(alice), 'tcp');
    closers.push(() => receiver.close());
    const id = await rest.send(admin, `${rest.app}/users/${alice.id}`, { data: { n: 1 } });
    expect((await receiver.next()).n).toBe(1);
    // With the ledger on, the push is answered from memory at once (even before it is stored).
    await expectKiiError(
      await server.api(`/x-local/v1${rest.app}/pushes/${id}`, { token: admin }),
      404,
      'PUSH_MESSAGE_NOT_FOUND',
    );
  });

  it('writes what is queued at shutdown (SERVER_SHUTDOWN) and reads it back after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kii-trace-'));
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    await start({ inMemory: false, dataDir });
    const alice = await rest.registerUser('alice');
    const endpoint = await installed(alice);
    const receiver = await mqttJsReceiver(endpoint, 'tcp');
    const id = await rest.send(admin, `${rest.app}/users/${alice.id}`, { data: { n: 1 } });
    await receiver.next();
    await server.close();
    await receiver.closed;

    const trace = await start({ inMemory: false, dataDir });
    expect((await trace.push(id)).outcomes).toEqual({ DELIVERED: 1 });
    const history = await trace.history(endpoint.installationID);
    expect(history.connections.map((c) => c.closeReason)).toEqual(['SERVER_SHUTDOWN']);
  });
});
