import { Redis, type RedisOptions } from 'ioredis';
import mqemitterRedis from 'mqemitter-redis';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** What aedes and this module use of an mqemitter (mqemitter-redis' prefixed one is untyped). */
export interface MQEmitter {
  on(
    topic: string,
    listener: (packet: { topic: string; payload?: unknown }, done: () => void) => void,
    callback?: () => void,
  ): unknown;
  emit(packet: { topic: string; payload: Buffer }, callback?: (error?: Error) => void): void;
  close(callback: () => void): void;
  state: EventEmitter;
}

/** Channels named `kpc:<appId>:<topic>`: several apps (servers) can share one Redis. */
const MQEmitterRedisPrefix = (
  mqemitterRedis as unknown as {
    MQEmitterRedisPrefix: new (prefix: string, options: object) => MQEmitter;
  }
).MQEmitterRedisPrefix;

/**
 * A node's link to the cluster's Redis (docs/scale-out.md): two ioredis connections (pub/sub
 * needs one of its own) and the mqemitter-redis emitter that aedes clusters on. Control messages
 * between nodes ride the same emitter under `$KPC/`, which no MQTT client can subscribe to (the
 * broker grants each client its own topic only).
 */
export interface ClusterLink {
  /** This node's ID, in control messages and the ready line. */
  readonly node: string;
  /** aedes' `mq`: every channel is prefixed with the app, so apps can share one Redis. */
  readonly mq: MQEmitter;
  /** Commands (the credential directory); never in subscriber mode. */
  readonly redis: Redis;
  /** True while both connections are up. */
  readonly up: boolean;
  /** Sends a control message to every node subscribed to `topic` (this one too, if it is). */
  send(topic: string, body: object): void;
  /** Calls `handler` with each control message on `topic`. */
  listen<T>(topic: string, handler: (body: T) => void): Promise<void>;
  /**
   * Calls `last` just before the link closes, in the order added: the node's
   * last messages. aedes closes the emitter itself once its clients are closed, before any
   * plugin's close hook could still send, so this is the only moment a stopping node can say so.
   */
  beforeClose(last: () => void): void;
  /** `resumed` after a reconnect (Redis restarted or the link broke): resynchronise. */
  readonly events: EventEmitter<{ resumed: []; down: [] }>;
  close(): Promise<void>;
}

/** aedes' announcements no node listens for (see openClusterLink). */
const UNHEARD_SYS = /^\$SYS\/[^/]+\/(new\/subscribes|new\/unsubscribes|disconnect\/clients)$/;

/** `--cluster` takes a Redis URL or an absolute path of its Unix socket. */
export function redisOptions(address: string): RedisOptions {
  if (address.startsWith('/')) return { path: address };
  const url = new URL(address);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new Error(`--cluster needs redis://host:port or a Unix socket path, got ${address}`);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export async function openClusterLink(address: string, appId: string): Promise<ClusterLink> {
  const base: RedisOptions = {
    ...redisOptions(address),
    // Not auto-pipelining (which mqemitter-redis turns on for connections it makes itself): a
    // command queued in an auto-pipeline when the connection closes rejects a promise nobody
    // holds (an unhandled rejection, seen in the cluster specs). ioredis still sends commands
    // back to back without waiting for replies.
    enableAutoPipelining: false,
    // A command while Redis is away fails at once rather than waiting in a queue: a CONNECT is
    // refused as "server unavailable" and a push says it was not routed, instead of both
    // hanging and going out late (QoS 0 by Kii's rules: late is no better than lost).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnect quickly and forever: Redis restarting is a failure this mode rides out.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: true,
  };
  const pub = new Redis(base);
  const sub = new Redis({ ...base, enableOfflineQueue: true });
  let lastError: Error | null = null;
  for (const connection of [pub, sub]) {
    // The reconnect loop handles errors; the last one explains a failed start.
    connection.on('error', (error: Error) => (lastError = error));
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    pub.disconnect();
    sub.disconnect();
    const cause = (lastError ?? (error as Error)).message;
    throw new Error(`cannot reach Redis at ${address} (${cause}); is redis-server running there?`, {
      cause: error,
    });
  }
  // mqemitter-redis closes (when aedes does) with QUIT and holds no handler for its promise:
  // when the socket ends before QUIT's reply is read, ioredis rejects it ("Connection is
  // closed"), an unhandled rejection (seen in the cluster specs). It is ending either way.
  for (const connection of [pub, sub]) {
    const quit = connection.quit.bind(connection);
    connection.quit = (() => {
      const quitting = quit();
      quitting.catch(() => connection.disconnect());
      return quitting;
    }) as typeof connection.quit;
  }
  const mq = new MQEmitterRedisPrefix(`kpc:${appId}:`, {
    pubConn: pub,
    subConn: sub,
  });
  // mqemitter-redis also waits for both connections' 'end' before it calls back. While Redis is
  // away a connection between reconnect attempts has no socket, so ioredis ends it without an
  // 'end' event, and a node's SIGTERM then waited for main.ts's 10 s forced exit. With either
  // connection down, drop both and close the emitter itself.
  const closeEmitter = mq.close.bind(mq);
  const closeOrDrop = (callback: () => void) => {
    if (pub.status === 'ready' && sub.status === 'ready') return closeEmitter(callback);
    pub.disconnect();
    sub.disconnect();
    (mq as unknown as { _close(callback: () => void): void })._close(callback);
  };
  const lastWords: (() => void)[] = [];
  mq.close = (callback) => {
    // Sent on the publishing connection ahead of its QUIT, so Redis passes them on first.
    for (const last of lastWords.splice(0)) last();
    closeOrDrop(callback);
  };
  // aedes announces every subscribe, unsubscribe and disconnect on $SYS/<broker>/...; across the
  // cluster nothing listens for these (aedes itself only for heartbeat, birth and new/clients,
  // this server for new/clients; clients may subscribe to their own topic only), yet each was a
  // Redis PUBLISH, msgpack-encoded here and decoded on every node. A node stopped with 14,287
  // clients spent 2.8 of its 10.7 s on them (bench:cluster --stop, CPU profile) and was ended
  // by main.ts's forced exit; they are answered here instead.
  const emit = mq.emit.bind(mq);
  mq.emit = (packet, callback) => {
    if (!UNHEARD_SYS.test(packet.topic)) return emit(packet, callback);
    if (callback) process.nextTick(callback);
  };
  const events = new EventEmitter<{ resumed: []; down: [] }>();
  let wasDown = false;
  const onStatus = () => {
    const upNow = pub.status === 'ready' && sub.status === 'ready';
    if (!upNow && !wasDown) {
      wasDown = true;
      events.emit('down');
    } else if (upNow && wasDown) {
      wasDown = false;
      events.emit('resumed');
    }
  };
  for (const connection of [pub, sub]) {
    connection.on('ready', onStatus);
    connection.on('close', onStatus);
    connection.on('end', onStatus);
  }
  mq.state.on('error', () => {});
  return {
    node: randomBytes(6).toString('hex'),
    mq,
    redis: pub,
    get up() {
      return pub.status === 'ready' && sub.status === 'ready';
    },
    send(topic, body) {
      if (pub.status !== 'ready') return;
      mq.emit({ topic: `$KPC/${topic}`, payload: Buffer.from(JSON.stringify(body)) }, () => {});
    },
    async listen<T>(topic: string, handler: (body: T) => void) {
      await new Promise<void>((resolve) =>
        mq.on(
          `$KPC/${topic}`,
          (packet, done) => {
            try {
              handler(JSON.parse((packet.payload as Buffer).toString('utf8')) as T);
            } finally {
              done();
            }
          },
          () => resolve(),
        ),
      );
    },
    beforeClose(last) {
      lastWords.push(last);
    },
    events,
    async close() {
      // aedes closes the emitter when the broker closes; this covers a link without a broker.
      await new Promise<void>((resolve) => mq.close(() => resolve()));
    },
  };
}
