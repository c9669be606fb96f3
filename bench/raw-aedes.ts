/**
 * The raw baseline of the server benchmark: a bare aedes broker (default options, no
 * authentication hooks, no database) with MQTT over WebSocket at /mqtt on a plain HTTP server,
 * wired the way the toolchain notes recommend (ws' WebSocketServer and createWebSocketStream),
 * and at /mqtt-one-frame with the Kii server's one-frame-per-packet framing added; and a
 * constant HTTP route as the machine's reference for the REST figures.
 *
 * Run as a child process of bench/server-bench.ts (`fork` with `--import tsx`); it reports
 * `{ ready, http, pid }` over IPC and then publishes on request with `aedes.publish`, stamping
 * each message with the run and its `sentAt` exactly as the server benchmark's pushes are.
 * SIGTERM closes it.
 */
import { Aedes } from 'aedes';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface PublishRequest {
  id: number;
  type: 'publish';
  run: string;
  /** Topics to publish to; each push goes to every one of them. */
  topics: string[];
  /** Pushes, back to back. */
  pushes: number;
  /** Extra payload keys, so the payload is as large as the server's (Kii's system keys). */
  extra: Record<string, unknown>;
}

const aedes = await Aedes.createBroker();
/**
 * GET /endpoint-reference answers a constant JSON of an MQTT endpoint's size with the same
 * headers the Kii server sends: the HTTP floor of this machine at that moment, measured with the
 * same load generator as the endpoint fetches (the bench reports the fetches against it).
 */
const referenceBody = JSON.stringify({
  installationID: 'i'.repeat(25),
  username: 'u'.repeat(32),
  password: 'p'.repeat(64),
  mqttTopic: 't'.repeat(23),
  host: 'localhost',
  portTCP: 41883,
  portSSL: 0,
  portWS: 48080,
  portWSS: 0,
  'X-MQTT-TTL': 2147483646,
});
const server = createServer((request, response) => {
  if (request.method !== 'GET' || request.url !== '/endpoint-reference') {
    response.writeHead(426).end();
    return;
  }
  response
    .writeHead(200, {
      'content-type': 'application/vnd.kii.MQTTEndpointResponse+json; charset=utf-8',
      'x-mqtt-ttl': '2147483646',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'X-MQTT-TTL, Location, Content-Type',
      'content-length': Buffer.byteLength(referenceBody),
    })
    .end(referenceBody);
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (socket, request) => {
  const stream = createWebSocketStream(socket);
  if (request.url === '/mqtt-one-frame') {
    // The Kii server's wiring (server/broker/push-broker.ts): one frame per flushed packet.
    stream._writev = (chunks, callback) =>
      socket.send(Buffer.concat(chunks.map(({ chunk }) => chunk)), callback);
  }
  stream.on('error', () => socket.terminate());
  aedes.handle(stream, request);
});
// /mqtt is aedes as usually wired; /mqtt-one-frame adds only the server's framing, so the two
// tell the server's own overhead apart from what its WebSocket framing saves.
server.on('upgrade', (request, socket, head) => {
  if (request.url !== '/mqtt' && request.url !== '/mqtt-one-frame') return socket.destroy();
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');

process.on('message', (request: PublishRequest) => {
  if (request.type !== 'publish') return;
  const startedAt = Date.now();
  for (let seq = 0; seq < request.pushes; seq++) {
    const payload = Buffer.from(
      JSON.stringify({ run: request.run, seq, sentAt: Date.now(), ...request.extra }),
    );
    for (const topic of request.topics) {
      aedes.publish(
        { cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false },
        () => {},
      );
    }
  }
  process.send!({ id: request.id, startedAt, publishedAt: Date.now() });
});

// Orphaned (the benchmark died): go too.
process.on('disconnect', () => process.exit(0));

process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  aedes.close(() => server.close(() => process.exit(0)));
  setTimeout(() => process.exit(0), 5000).unref();
});

process.send!({ ready: true, http: (server.address() as AddressInfo).port, pid: process.pid });
