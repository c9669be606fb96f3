import { connectAsync, type MqttClient } from 'mqtt';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ServerConfig } from '../config';
import { eventually, kiiRest, type KiiRest } from '../testing/kii-rest';
import {
  connectMqttJs,
  mqttJsReceiver,
  remainingLength,
  type MqttEndpoint,
} from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';
import { MAX_PACKET_BYTES, MAX_WEBSOCKET_MESSAGE_BYTES } from './packet-guard';

/** A CONNECT fixed header declaring 64 MiB, followed by the first few KB of its "body". */
const HUGE_CONNECT_START = Buffer.concat([
  Buffer.from([0x10]),
  remainingLength(64 * 1024 * 1024 + 4096),
  Buffer.alloc(4096, 0x41),
]);

/** Resolves with how long `socket` took to close, or null when it is still open after `ms`. */
function closedWithin(closed: Promise<unknown>, ms: number): Promise<number | null> {
  const start = Date.now();
  return Promise.race([
    closed.then(() => Date.now() - start),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), ms)),
  ]);
}

/** A raw TCP connection to the broker that sends nothing by itself. */
async function rawTcp(
  port: number,
): Promise<{ socket: Socket; closed: Promise<void>; received: () => number }> {
  const socket = connectTcp(port, '127.0.0.1');
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => undefined);
  await once(socket, 'connect');
  return { socket, closed, received: () => received };
}

/** A raw WebSocket to /mqtt (subprotocol mqtt) and its close code once it closes. */
function rawWebSocket(port: number): {
  ws: WebSocket;
  opened: Promise<boolean>;
  code: Promise<number>;
} {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/mqtt`, 'mqtt');
  ws.on('error', () => {});
  // Not events.once: it rejects on the 'error' a refused upgrade emits before 'close'.
  const code = new Promise<number>((resolve) => ws.once('close', resolve));
  const opened = Promise.race([
    new Promise<boolean>((resolve) => ws.once('open', () => resolve(true))),
    code.then(() => false),
  ]);
  return { ws, opened, code };
}

/**
 * The broker's limits before and after authentication: the largest packet, the QoS a SUBACK
 * grants, and the caps on connections per client address.
 */
describe('broker limits', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  const closers: (() => unknown)[] = [];

  async function start(overrides: Partial<ServerConfig> = {}) {
    server = await startTestServer(overrides);
    rest = kiiRest(server);
    admin = await server.adminToken();
  }

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await server?.close();
  });

  async function userWithEndpoint(loginName: string) {
    const user = await rest.registerUser(loginName);
    return { user, endpoint: await rest.mqttEndpointFor(user.token) };
  }

  const ports = () => server.app.kii.ports;
  const pendingFromLoopback = () => server.app.kii.broker.connectionsFrom('127.0.0.1').pending;

  describe('packet size', () => {
    beforeEach(() => start());

    it('closes a TCP connection whose CONNECT declares 64 MiB as soon as the header arrives, without buffering it', async () => {
      const raw = await rawTcp(ports().tcp);
      closers.push(() => raw.socket.destroy());
      raw.socket.write(HUGE_CONNECT_START);
      expect(await closedWithin(raw.closed, 1500)).not.toBeNull();
      expect(raw.received()).toBe(0);
    });

    it('closes a WebSocket whose MQTT packet declares 64 MiB', async () => {
      const { ws, opened, code } = rawWebSocket(ports().ws);
      closers.push(() => ws.terminate());
      expect(await opened).toBe(true);
      ws.send(HUGE_CONNECT_START);
      expect(await closedWithin(code, 1500)).not.toBeNull();
    });

    it('closes a WebSocket with 1009 when one message exceeds the frame limit', async () => {
      const { ws, opened, code } = rawWebSocket(ports().ws);
      closers.push(() => ws.terminate());
      expect(await opened).toBe(true);
      // A CONNECT of exactly the largest accepted size, and one byte too many in the message.
      const header = Buffer.concat([Buffer.from([0x10]), remainingLength(MAX_PACKET_BYTES)]);
      const message = Buffer.concat([
        header,
        Buffer.alloc(MAX_WEBSOCKET_MESSAGE_BYTES + 1 - header.length, 0x41),
      ]);
      ws.send(message);
      expect(await Promise.race([code, closedWithin(code, 1500).then(() => -1)])).toBe(1009);
    });

    it('still serves a client after another one was cut off', async () => {
      const raw = await rawTcp(ports().tcp);
      raw.socket.write(HUGE_CONNECT_START);
      await raw.closed;
      const { user, endpoint } = await userWithEndpoint('after-cutoff');
      const receiver = await mqttJsReceiver(endpoint, 'tcp');
      closers.push(() => receiver.close());
      await rest.send(admin, `${rest.app}/users/${user.id}`, { data: { n: 1 } });
      expect((await receiver.next()).n).toBe(1);
    });
  });

  describe('SUBACK', () => {
    beforeEach(() => start());

    for (const transport of ['tcp', 'ws'] as const) {
      it(`grants QoS 0 to MQTT.js asking for QoS 1 or 2 (${transport}), and delivery still works`, async () => {
        const { user, endpoint } = await userWithEndpoint(`qos-${transport}`);
        const client = await connectMqttJs(endpoint, transport);
        closers.push(() => client.endAsync(true));
        const pushes: string[] = [];
        client.on('message', (_topic, payload) => pushes.push(payload.toString()));
        const asked1 = await client.subscribeAsync(endpoint.mqttTopic, { qos: 1 });
        expect(asked1.map((grant) => grant.qos)).toEqual([0]);
        const asked2 = await client.subscribeAsync(endpoint.mqttTopic, { qos: 2 });
        expect(asked2.map((grant) => grant.qos)).toEqual([0]);

        await rest.send(admin, `${rest.app}/users/${user.id}`, { data: { n: 1 } });
        await eventually(() => pushes.length === 1, 3000, 'the push');
        expect(JSON.parse(pushes[0]).n).toBe(1);
      });
    }
  });

  describe('connections per client address', () => {
    it('refuses a connection beyond the pending cap before reading it, TCP and WebSocket alike; a completed CONNECT frees its slot', async () => {
      await start({ mqttPendingPerAddress: 3 });
      const idle = await Promise.all([0, 1, 2].map(() => rawTcp(ports().tcp)));
      closers.push(() => idle.forEach((raw) => raw.socket.destroy()));
      await eventually(() => pendingFromLoopback() === 3, 2000, '3 pending connections');

      const refused = await rawTcp(ports().tcp);
      expect(await closedWithin(refused.closed, 1000)).not.toBeNull();
      expect(refused.received()).toBe(0);
      const refusedWs = rawWebSocket(ports().ws);
      expect(await refusedWs.opened).toBe(false);

      // One idle socket goes away: a real client gets its slot, and once connected no longer
      // counts as pending, so another one fits too.
      idle[0].socket.destroy();
      await eventually(() => pendingFromLoopback() === 2, 2000, '2 pending connections');
      const first = await userWithEndpoint('pending-1');
      const second = await userWithEndpoint('pending-2');
      const tcp = await mqttJsReceiver(first.endpoint, 'tcp');
      closers.push(() => tcp.close());
      const ws = await mqttJsReceiver(second.endpoint, 'ws');
      closers.push(() => ws.close());
      expect(pendingFromLoopback()).toBe(2);
      await rest.send(admin, `${rest.app}/users/${second.user.id}`, { data: { n: 2 } });
      expect((await ws.next()).n).toBe(2);
    });

    it('refuses connections beyond the per-address total; closing one lets the next in', async () => {
      await start({ mqttConnectionsPerAddress: 2 });
      const a = await userWithEndpoint('total-a');
      const b = await userWithEndpoint('total-b');
      const first = await mqttJsReceiver(a.endpoint, 'tcp');
      closers.push(() => first.close());
      const second = await mqttJsReceiver(b.endpoint, 'ws');
      closers.push(() => second.close());

      const refused = await rawTcp(ports().tcp);
      expect(await closedWithin(refused.closed, 1000)).not.toBeNull();
      expect(await rawWebSocket(ports().ws).opened).toBe(false);

      await first.close();
      await eventually(
        () => server.app.kii.broker.connectionsFrom('127.0.0.1').open === 1,
        2000,
        'one connection left',
      );
      const again = await mqttJsReceiver(a.endpoint, 'ws');
      closers.push(() => again.close());
      await rest.send(admin, `${rest.app}/users/${a.user.id}`, { data: { n: 3 } });
      expect((await again.next()).n).toBe(3);
    });

    it('leaves both caps off with 0', async () => {
      await start({ mqttConnectionsPerAddress: 0, mqttPendingPerAddress: 0 });
      const idle = await Promise.all(Array.from({ length: 50 }, () => rawTcp(ports().tcp)));
      closers.push(() => idle.forEach((raw) => raw.socket.destroy()));
      await eventually(() => pendingFromLoopback() === 50, 2000, '50 pending connections');
      const { endpoint } = await userWithEndpoint('uncapped');
      const receiver = await mqttJsReceiver(endpoint, 'tcp');
      closers.push(() => receiver.close());
      expect(receiver.connected).toBe(true);
    });
  });

  describe('over TLS', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kpc-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=127.0.0.1',
          '-days',
          '1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    beforeEach(() =>
      start({
        tlsCert: join(dir, 'cert.pem'),
        tlsKey: join(dir, 'key.pem'),
        mqttsPort: 0,
        wssPort: 0,
        mqttPendingPerAddress: 2,
      }),
    );

    async function mqtts(endpoint: MqttEndpoint): Promise<MqttClient> {
      return connectAsync(`mqtts://127.0.0.1:${endpoint.portSSL}`, {
        clientId: endpoint.mqttTopic,
        username: endpoint.username,
        password: endpoint.password,
        rejectUnauthorized: false,
        reconnectPeriod: 0,
        connectTimeout: 3000,
      });
    }

    it('serves MQTTS: SUBACK grants 0 for QoS 1 and the push arrives', async () => {
      const { user, endpoint } = await userWithEndpoint('tls-user');
      expect(endpoint.portSSL).toBeGreaterThan(0);
      const client = await mqtts(endpoint);
      closers.push(() => client.endAsync(true));
      const pushes: string[] = [];
      client.on('message', (_topic, payload) => pushes.push(payload.toString()));
      const granted = await client.subscribeAsync(endpoint.mqttTopic, { qos: 1 });
      expect(granted.map((grant) => grant.qos)).toEqual([0]);
      await rest.send(admin, `${rest.app}/users/${user.id}`, { data: { n: 4 } });
      await eventually(() => pushes.length === 1, 3000, 'the push');
    });

    it('closes a TLS connection whose CONNECT declares 64 MiB', async () => {
      const { endpoint } = await userWithEndpoint('tls-huge');
      const { connect } = await import('node:tls');
      const socket = connect({
        host: '127.0.0.1',
        port: endpoint.portSSL,
        rejectUnauthorized: false,
      });
      socket.on('error', () => {});
      closers.push(() => socket.destroy());
      const closed = once(socket, 'close');
      await once(socket, 'secureConnect');
      socket.write(HUGE_CONNECT_START);
      expect(await closedWithin(closed, 1500)).not.toBeNull();
    });

    it('counts a socket that has not finished its TLS handshake as pending', async () => {
      const { endpoint } = await userWithEndpoint('tls-pending');
      const idle = await Promise.all([0, 1].map(() => rawTcp(endpoint.portSSL)));
      closers.push(() => idle.forEach((raw) => raw.socket.destroy()));
      await eventually(() => pendingFromLoopback() === 2, 2000, '2 pending connections');
      const refused = await rawTcp(endpoint.portSSL);
      expect(await closedWithin(refused.closed, 1000)).not.toBeNull();

      idle.forEach((raw) => raw.socket.destroy());
      await eventually(() => pendingFromLoopback() === 0, 2000, 'no pending connections');
      const client = await mqtts(endpoint);
      closers.push(() => client.endAsync(true));
      expect(client.connected).toBe(true);
    });
  });
});
