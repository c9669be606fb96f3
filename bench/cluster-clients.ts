/**
 * Client worker of the cluster benchmark (bench/cluster-bench.ts): a child process holding a
 * share of the MQTT-over-WebSocket clients as lean hand-written MQTT clients (bench/mqtt-lean.ts
 * on the `ws` package), so 100,000 of them fit beside the brokers on a 2-core machine.
 *
 * Each client connects with its Kii endpoint credentials (client ID = its MQTT topic), subscribes
 * to its own topic and checks every PUBLISH: the topic must be its own and a payload's `to`, when
 * present, its own user ID; anything else is counted as delivered to the wrong client. Once
 * `reconnect` is on, a client whose connection drops connects again to the next broker node in
 * the list (spread by client index over the other nodes, moving on when one refuses) with the same
 * credentials and subscribes again.
 *
 * Driven over IPC with request / reply messages (`{ id, type, ... }` answered by `{ id, ... }`).
 */
import { WebSocket } from 'ws';
import { DeliveryRuns } from './delivery-runs';
import { connectPacket, DISCONNECT, PacketReader, PINGREQ, subscribePacket } from './mqtt-lean';

/** One client's Kii identity: MQTT endpoint credentials and the owning user. */
export interface ClientSpec {
  index: number;
  clientId: string;
  username: string;
  password: string;
  userId: string;
}

export type ClientRequest =
  | { id: number; type: 'load'; clients: ClientSpec[] }
  | {
      id: number;
      type: 'connect';
      urls: string[];
      addresses: string[];
      /** Only clients with index below this. */
      count: number;
      window: number;
      keepaliveSeconds: number;
    }
  | { id: number; type: 'reconnect'; window: number }
  | { id: number; type: 'expect'; run: string; count: number }
  | { id: number; type: 'wait'; run: string; timeoutMs: number }
  | { id: number; type: 'recovery'; node: number; timeoutMs: number }
  | { id: number; type: 'missing'; run: string; indices: number[] }
  | { id: number; type: 'moved'; node: number }
  | { id: number; type: 'recovery-reset'; down: number[] }
  | { id: number; type: 'close' };

export interface ConnectReply {
  connected: number;
  failed: number;
  failures: string[];
  /** Clients now connected, by broker node (index into `urls`). */
  perNode: number[];
}

export interface RecoveryReport {
  /** Clients of the node that lost their connection, and how many are subscribed again. */
  lost: number;
  back: number;
  firstLostAt: number;
  lastBackAt: number;
  attempts: number;
  perNode: number[];
  failures: string[];
  /**
   * How the lost connections ended, by WebSocket close code: 1001 (going away) and 1000 are a
   * close frame from the server; 1006 is the socket ending without one.
   */
  closeCodes: Record<string, number>;
}

/** A client a push addressed to it did not reach. */
export interface MissingClient {
  index: number;
  node: number;
  lostFrom?: number;
  up: boolean;
}

interface LeanClient {
  spec: ClientSpec;
  node: number;
  address: string;
  ws?: WebSocket;
  up: boolean;
  lastSentAt: number;
  lostFrom?: number;
  /** Reconnection attempts since the connection was lost. */
  attempts: number;
  /** The last run a push addressed to this client (`to`) came from. */
  directRun?: string;
}

let clients: LeanClient[] = [];
let urls: string[] = [];
let keepaliveSeconds = 600;
let closing = false;
let reconnectWindow = 0;
const runs = new DeliveryRuns();
const recovery = {
  lost: 0,
  back: 0,
  firstLostAt: 0,
  lastBackAt: 0,
  attempts: 0,
  failures: [] as string[],
  closeCodes: {} as Record<string, number>,
  waiter: undefined as (() => void) | undefined,
};

/** A delivery to another client's topic, or addressed (`to`) to another user, is wrong. */
function onPublish(client: LeanClient, topic: string, payload: Buffer) {
  runs.record(payload, Date.now(), (data) => {
    if (data.to === client.spec.userId) client.directRun = String(data.run);
    return (
      topic !== client.spec.clientId || (data.to !== undefined && data.to !== client.spec.userId)
    );
  });
}

/** Opens one client on its node: resolves once the broker granted the subscription. */
function open(client: LeanClient): Promise<void> {
  return new Promise((resolve, reject) => {
    let subscribed = false;
    const ws = new WebSocket(urls[client.node], 'mqtt', {
      localAddress: client.address,
      perMessageDeflate: false,
      handshakeTimeout: 60_000,
    });
    client.ws = ws;
    const reader = new PacketReader();
    const fail = (reason: string) => {
      if (subscribed) return;
      subscribed = true; // settled
      ws.terminate();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail('not subscribed within 60 s'), 60_000);
    ws.on('open', () => {
      const { clientId, username, password } = client.spec;
      ws.send(connectPacket(clientId, username, password, keepaliveSeconds));
      client.lastSentAt = Date.now();
    });
    ws.on('message', (data: Buffer) =>
      reader.push(data, (packet) => {
        if (packet.type === 'publish') onPublish(client, packet.topic, packet.payload);
        else if (packet.type === 'connack') {
          if (packet.returnCode !== 0) return fail(`CONNACK return code ${packet.returnCode}`);
          ws.send(subscribePacket(1, client.spec.clientId));
        } else if (packet.type === 'suback') {
          if (packet.granted[0] === 0x80) return fail('SUBACK refused the subscription');
          clearTimeout(timer);
          subscribed = true;
          client.up = true;
          resolve();
        }
      }),
    );
    ws.on('error', (error) => fail(error.message));
    ws.on('close', (code) => {
      clearTimeout(timer);
      fail(`closed (${code}) before subscribed`);
      if (client.ws !== ws || !client.up) return;
      client.up = false;
      client.ws = undefined;
      if (closing) return;
      recovery.closeCodes[code] = (recovery.closeCodes[code] ?? 0) + 1;
      lost(client);
    });
  });
}

/** A subscribed client's connection dropped: note it and, when reconnecting, queue it. */
function lost(client: LeanClient) {
  client.lostFrom = client.node;
  client.attempts = 0;
  if (recovery.lost++ === 0) recovery.firstLostAt = Date.now();
  if (reconnectWindow > 0) enqueue(client);
}

// Reconnection: a window of attempts in flight, each moving on to the next node on failure.
const reconnectQueue: LeanClient[] = [];
const downNodes = new Set<number>();
let reconnecting = 0;

function enqueue(client: LeanClient) {
  reconnectQueue.push(client);
  pump();
}

function pump() {
  while (reconnecting < reconnectWindow && reconnectQueue.length > 0) {
    const client = reconnectQueue.shift()!;
    // Spread over the other nodes (by index), never back to the one lost nor to one known gone
    // (an earlier measure's), so each survivor takes an even share; the next on failure.
    const from = client.lostFrom ?? client.node;
    const up = urls.map((_, i) => i).filter((i) => i !== from && !downNodes.has(i));
    client.node = up[(client.spec.index + client.attempts++) % up.length];
    reconnecting++;
    recovery.attempts++;
    open(client).then(
      () => {
        reconnecting--;
        recovery.back++;
        recovery.lastBackAt = Date.now();
        if (recovery.back >= recovery.lost) recovery.waiter?.();
        pump();
      },
      (error: Error) => {
        reconnecting--;
        if (recovery.failures.length < 5) recovery.failures.push(error.message);
        // Refused quickly (the dead node): try the next one after a breath.
        setTimeout(() => enqueue(client), 50);
        pump();
      },
    );
  }
}

async function connectAll(request: Extract<ClientRequest, { type: 'connect' }>) {
  urls = request.urls;
  keepaliveSeconds = request.keepaliveSeconds;
  closing = false;
  const todo = clients.filter((c) => c.spec.index < request.count && !c.up);
  for (const client of todo) {
    client.node = client.spec.index % urls.length;
    client.address = request.addresses[client.spec.index % request.addresses.length];
  }
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const client = todo[next++];
      try {
        await open(client);
      } catch (error) {
        if (++failed <= 5) failures.push(`${client.address}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: request.window }, worker));
  return { connected: todo.length - failed, failed, failures, perNode: perNode() } as ConnectReply;
}

function perNode(): number[] {
  const counts = urls.map(() => 0);
  for (const client of clients) if (client.up) counts[client.node]++;
  return counts;
}

// Keep-alive: one sweep for all clients instead of a timer each.
setInterval(() => {
  const due = Date.now() - (keepaliveSeconds * 1000) / 2;
  for (const client of clients) {
    if (client.up && client.lastSentAt < due) {
      client.ws!.send(PINGREQ);
      client.lastSentAt = Date.now();
    }
  }
}, 10_000).unref();

async function closeAll() {
  closing = true;
  reconnectWindow = 0;
  reconnectQueue.length = 0;
  const open = clients.filter((c) => c.ws);
  await Promise.all(
    open.map(
      (client) =>
        new Promise<void>((resolve) => {
          const ws = client.ws!;
          client.up = false;
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          if (ws.readyState === WebSocket.OPEN) {
            ws.send(DISCONNECT);
            ws.close();
          } else ws.terminate();
          setTimeout(() => ws.terminate(), 5_000).unref();
        }),
    ),
  );
  for (const client of clients) {
    client.ws = undefined;
    client.lostFrom = undefined;
  }
  resetRecovery();
  return open.length;
}

/** Counts a new failure from zero; where clients were lost from (`lostFrom`) stays. */
function resetRecovery() {
  Object.assign(recovery, { lost: 0, back: 0, firstLostAt: 0, lastBackAt: 0, attempts: 0 });
  recovery.failures = [];
  recovery.closeCodes = {};
}

function reply(id: number, body: object) {
  process.send!({ id, ...body });
}

async function waitFor(done: () => boolean, setWaiter: (w?: () => void) => void, ms: number) {
  if (done()) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    setWaiter(() => {
      if (!done()) return;
      clearTimeout(timer);
      resolve();
    });
  });
  setWaiter(undefined);
}

process.on('message', async (request: ClientRequest) => {
  switch (request.type) {
    case 'load':
      clients = request.clients.map((spec) => ({
        spec,
        node: 0,
        address: '127.0.0.1',
        up: false,
        lastSentAt: 0,
        attempts: 0,
      }));
      return reply(request.id, { loaded: clients.length });
    case 'connect':
      return reply(request.id, await connectAll(request));
    case 'reconnect':
      reconnectWindow = request.window;
      return reply(request.id, {});
    case 'expect':
      runs.expect(request.run, request.count);
      return reply(request.id, {});
    case 'wait': {
      const report = await runs.wait(request.run, request.timeoutMs);
      return reply(request.id, report ?? { error: `unknown run ${request.run}` });
    }
    case 'recovery': {
      // Every client that was on the killed node must have noticed and be subscribed again.
      const expected = clients.filter(
        (c) => c.lostFrom === request.node || (c.up && c.node === request.node),
      ).length;
      await waitFor(
        () => recovery.lost >= expected && recovery.back >= recovery.lost,
        (w) => (recovery.waiter = w),
        request.timeoutMs,
      );
      const { waiter: _waiter, ...counts } = recovery;
      return reply(request.id, { ...counts, perNode: perNode() } as RecoveryReport);
    }
    case 'missing': {
      // Which of these clients got no push addressed to them in the run, and where they are.
      const wanted = new Set(request.indices);
      const missing: MissingClient[] = clients
        .filter((c) => wanted.has(c.spec.index) && c.directRun !== request.run)
        .map((c) => ({ index: c.spec.index, node: c.node, lostFrom: c.lostFrom, up: c.up }));
      return reply(request.id, { missing });
    }
    case 'moved': {
      // The clients that were on this node when it went, by index.
      const indices = clients.filter((c) => c.lostFrom === request.node).map((c) => c.spec.index);
      return reply(request.id, { indices });
    }
    case 'recovery-reset':
      resetRecovery();
      for (const node of request.down) downNodes.add(node);
      return reply(request.id, {});
    case 'close':
      return reply(request.id, { closed: await closeAll() });
  }
});

process.on('disconnect', () => process.exit(0));
