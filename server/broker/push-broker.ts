import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config';
import { sameSecret } from '../ids';
import type { ThingRepository } from '../repositories/principals';
import type { CloseReason, ConnectionRecord, Transport } from '../repositories/connection-history';
import type { MQEmitter as ClusterEmitter } from '../cluster/cluster-link';
import type { CredentialLookup, MqttCredential } from './credentials';
import { createAddressLimiter, type Admission } from './address-limits';
import type { ConnectionTracker } from './connection-tracker';
import { withDrainingReads } from './draining-reads';
import { guardInbound, MAX_WEBSOCKET_MESSAGE_BYTES } from './packet-guard';

/** What the broker knows about an authenticated connection. */
interface Session {
  kind: 'installation' | 'tap';
  thingId: string | null;
  expiryTimer?: NodeJS.Timeout;
}

/** MQTT CONNACK return codes (aedes' AuthErrorCode is a const enum we cannot import). */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

/** setTimeout cannot wait longer than this; longer TTLs are effectively "never". */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connection must complete its CONNECT (and, on TLS, its handshake) within this long, or it
 * is closed (aedes' default is 30 s). Real clients send CONNECT at once; this bounds how long a
 * half-open socket holds a pending slot and its buffered bytes.
 */
const CONNECT_TIMEOUT_MS = 10_000;

function refuse(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export interface BrokerDeps {
  config: ServerConfig;
  /** Where CONNECT credentials are checked: this node's SQLite, or a cluster's directory. */
  credentials: CredentialLookup;
  things: ThingRepository;
  /** aedes' emitter: mqemitter-redis on a cluster node (docs/scale-out.md), its own otherwise. */
  mq?: ClusterEmitter;
  /** A cluster's API node: closes the client ID on every other node too (docs/scale-out.md). */
  disconnectElsewhere?: (clientId: string, reason: CloseReason) => void;
  /** Told when a thing's installation connects or goes (a cluster node passes it on). */
  onThingOnline?: (thingId: string, online: boolean) => void;
  /** Connection history and refusal counts (docs/kii-api.md §13.2). */
  tracker: ConnectionTracker;
  log: FastifyBaseLogger;
}

/** How a traced write ended when it did not go out: the connection closed under it. */
export interface WriteFailure {
  /** The last three only for writes routed to another cluster node (docs/scale-out.md). */
  outcome:
    | 'DROPPED_SLOW_CONSUMER'
    | 'CONNECTION_CLOSED'
    | 'NOT_CONNECTED'
    | 'NOT_SUBSCRIBED'
    | 'CREDENTIALS_EXPIRED';
  detail: string | null;
}

/** Hears how each traced write settled (the delivery ledger). */
export interface WriteSink<T> {
  /** `at`: when the write went out, if not now (a report from another cluster node). */
  written(
    recipient: T,
    connection: Pick<ConnectionRecord, 'connectionID' | 'transport'> | undefined,
    at?: number,
  ): void;
  failed(
    recipient: T,
    connection: Pick<ConnectionRecord, 'connectionID' | 'transport'> | undefined,
    failure: WriteFailure,
  ): void;
}

/**
 * The MQTT side of Kii push on aedes. All broker policy lives in the aedes hooks below:
 * CONNECT only with a live endpoint's credentials and its mqttTopic as client ID, SUBSCRIBE
 * only to that topic, no client PUBLISH. aedes itself closes a connection silent for
 * 1.5 x its keep-alive and lets a second connection with the same client ID take over.
 * What aedes has no hook for sits in front of it, on every transport: the caps on connections
 * per client address (address-limits.ts), and the packet size cap and QoS 0 SUBACKs
 * (packet-guard.ts).
 */
export async function createPushBroker(deps: BrokerDeps) {
  const { config, credentials, things, tracker, log } = deps;
  const setOnline =
    deps.onThingOnline ?? ((id: string, online: boolean) => things.setOnline(id, online));
  const sessions = new WeakMap<Client, Session>();
  /** Client IDs of connected delivery taps (a local-server extension). */
  const tapClients = new Set<string>();

  const aedes = await Aedes.createBroker({
    // A slow or frozen subscriber is cut off after this long instead of stalling delivery to
    // everybody else (default and its reason in config.ts).
    drainTimeout: config.mqttDrainTimeoutMs,
    concurrency: 1000,
    maxClientsIdLength: 64,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(deps.mq ? { mq: deps.mq } : {}),
    authenticate(client, username, password, done) {
      const secret = password?.toString('utf8') ?? '';
      const check = (credential: MqttCredential | undefined) => {
        const now = Date.now();
        if (credential?.kind === 'installation') {
          const installationId = credential.installationId!;
          if (!sameSecret(secret, credential.password)) {
            tracker.refused(client, 'WRONG_PASSWORD', installationId);
            return done(refuse('wrong password', BAD_USERNAME_OR_PASSWORD), false);
          }
          if (client.id !== credential.clientId) {
            tracker.refused(client, 'CLIENT_ID_MISMATCH', installationId);
            return done(
              refuse('the client ID must be the endpoint mqttTopic', IDENTIFIER_REJECTED),
              false,
            );
          }
          if (credential.expiresAt <= now) {
            tracker.refused(client, 'CREDENTIALS_EXPIRED', installationId);
            return done(
              refuse('the endpoint has expired; fetch a new one', BAD_USERNAME_OR_PASSWORD),
              false,
            );
          }
          if (credential.readyAt > now) {
            tracker.refused(client, 'NOT_READY', installationId);
            return done(refuse('the endpoint is not ready yet', SERVER_UNAVAILABLE), false);
          }
          sessions.set(client, { kind: 'installation', thingId: credential.thingId });
          // A connection already using this client ID is about to be taken over (§9.6).
          tracker.accepted(client, installationId, clients[client.id]);
          scheduleExpiry(client, credential.expiresAt - now);
          return done(null, true);
        }
        const tap = credential;
        if (tap && sameSecret(secret, tap.password) && tap.expiresAt > now) {
          if (client.id !== tap.clientId)
            return done(refuse('the client ID must be the tap topic', IDENTIFIER_REJECTED), false);
          sessions.set(client, { kind: 'tap', thingId: null });
          scheduleExpiry(client, tap.expiresAt - now);
          return done(null, true);
        }
        tracker.refused(client, tap ? 'WRONG_PASSWORD' : 'UNKNOWN_USERNAME');
        return done(refuse('unknown username or wrong password', BAD_USERNAME_OR_PASSWORD), false);
      };
      const found = username ? credentials(username) : undefined;
      if (!(found instanceof Promise)) return check(found);
      // A cluster's broker node asks the API node's directory in Redis (docs/scale-out.md).
      found.then(check, (error: Error) => {
        log.warn({ err: error.message }, 'credential directory unavailable');
        done(refuse('the credential directory is unavailable', SERVER_UNAVAILABLE), false);
      });
    },
    authorizeSubscribe(client, subscription, done) {
      // One MQTT topic per connection: every Kii subscription is multiplexed onto it. Anything
      // else is refused in the SUBACK (granted 128) with the connection kept; an error here
      // would make aedes drop the whole connection. The SUBACK grants QoS 0 (guardInbound).
      if (subscription.topic !== client.id) return done(null, null);
      done(null, { ...subscription, qos: 0 });
    },
    authorizePublish(client, packet, done) {
      // Push clients only receive. Kii's API-over-MQTT is not emulated, so a client PUBLISH
      // is refused; per MQTT-3.3.5-2 the broker closes that connection.
      if (client) {
        tracker.closing(client, 'PUBLISH_REFUSED');
        return done(new Error(`publish refused: ${packet.topic}`));
      }
      done(null);
    },
  });

  // aedes keeps connected clients by ID; its type declarations leave the map out.
  type LiveClient = Client & { subscriptions: Record<string, unknown> };
  const clients = (aedes as unknown as { clients: Record<string, LiveClient | undefined> }).clients;

  const limiter = createAddressLimiter(
    { connections: config.mqttConnectionsPerAddress, pending: config.mqttPendingPerAddress },
    (address, reason) => {
      tracker.refusedEarly('ADDRESS_LIMIT');
      log.debug({ address, reason }, 'mqtt connection refused');
    },
  );
  const admissions = new WeakMap<Client, Admission>();

  /** Hands an admitted connection to aedes with the inbound limits applied. */
  function handle(
    conn: Duplex,
    admission: Admission,
    transport: Transport,
    address: string | undefined,
    request?: IncomingMessage,
  ) {
    const client = aedes.handle(withDrainingReads(conn), request);
    if (!guardInbound(client)) {
      log.error(
        'the MQTT packet size guard cannot attach to this aedes version; connection closed',
      );
      conn.destroy();
      return;
    }
    admissions.set(client, admission);
    tracker.attach(client, transport, address);
  }

  /** Closes a connection, first noting why (the history shows it). */
  function closeFor(client: Client, reason: CloseReason) {
    tracker.closing(client, reason);
    client.close();
  }

  function scheduleExpiry(client: Client, remainingMs: number) {
    if (remainingMs >= MAX_TIMER_MS) return;
    const session = sessions.get(client)!;
    // When the TTL runs out the credentials stop being valid: the client must fetch a new endpoint.
    session.expiryTimer = setTimeout(() => closeFor(client, 'CREDENTIALS_EXPIRED'), remainingMs);
    session.expiryTimer.unref();
  }

  const { mq } = deps;
  if (mq) {
    // aedes closes a local connection whose client ID connected on another cluster node
    // (its own $SYS announcement); the history should say why, as it does for a local takeover.
    mq.on('$SYS/+/new/clients', (packet, done) => {
      const fromBroker = packet.topic.split('/')[1];
      const client = fromBroker !== aedes.id ? clients[String(packet.payload)] : undefined;
      if (client) tracker.closing(client, 'TAKEOVER', 'by a connection on another cluster node');
      done();
    });
  }

  aedes.on('clientReady', (client) => {
    admissions.get(client)?.connected();
    tracker.ready(client);
    const session = sessions.get(client);
    if (session?.kind === 'tap') tapClients.add(client.id);
    if (session?.thingId) setOnline(session.thingId, true);
  });
  aedes.on('clientDisconnect', (client) => {
    // aedes marks a connection that ended with a DISCONNECT packet (not in its type declarations).
    tracker.closed(client, (client as { _disconnected?: boolean })._disconnected === true);
    const session = sessions.get(client);
    if (!session) return;
    clearTimeout(session.expiryTimer);
    const current = clients[client.id];
    // After a takeover the new connection keeps the thing online (and the tap open).
    if (current && current !== client) return;
    if (session.kind === 'tap') tapClients.delete(client.id);
    if (session.thingId) setOnline(session.thingId, false);
  });
  aedes.on('clientError', (client, error) => {
    tracker.errored(client, error);
    log.debug({ clientId: client.id, err: error.message }, 'mqtt client error');
  });
  aedes.on('connectionError', (client, error) => {
    if (error.message === 'connect did not arrive in time') tracker.refusedEarly('CONNECT_TIMEOUT');
    log.debug({ err: error.message }, 'mqtt connection error');
  });
  aedes.on('subscribe', (subscriptions, client) => {
    if (subscriptions.some((s) => s.topic === client.id)) tracker.subscribed(client);
  });
  aedes.on('keepaliveTimeout', (client) =>
    log.info({ clientId: client.id }, 'mqtt keep-alive timeout'),
  );

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES,
    // MQTT.js asks for "mqtt" (3.1.1), Paho for "mqtt" or "mqttv3.1" (3.1).
    handleProtocols: (protocols) => ['mqtt', 'mqttv3.1'].find((p) => protocols.has(p)) ?? false,
  });
  function acceptWebSocket(
    socket: WebSocket,
    request: IncomingMessage,
    admission: Admission,
    transport: Transport,
  ) {
    const stream = createWebSocketStream(socket);
    // mqtt-packet writes a PUBLISH as five corked pieces; without _writev each piece went out as
    // its own WebSocket frame and socket write. One frame per flush cuts a fan-out's frames and
    // writes five-fold (MQTT over WebSocket lets a frame hold any part of the byte stream).
    stream._writev = (chunks, callback) =>
      socket.send(
        chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map(({ chunk }) => chunk)),
        callback,
      );
    stream.on('error', () => socket.terminate());
    handle(stream, admission, transport, request.socket.remoteAddress, request);
  }

  /** MQTT over WebSocket at /mqtt (and /, which some clients use) on an HTTP(S) server. */
  function acceptWebSockets(server: HttpServer | HttpsServer, transport: Transport = 'ws') {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/mqtt' && path !== '/') {
        socket.destroy();
        return;
      }
      // Counted from the upgrade on: a WebSocket that never sends CONNECT is pending too.
      const admission = limiter.admit(socket, request.socket.remoteAddress);
      if (!admission) return;
      wss.handleUpgrade(request, socket, head, (ws) =>
        acceptWebSocket(ws, request, admission, transport),
      );
    });
  }

  const listeners: (NetServer | HttpsServer)[] = [];
  /** Ports as clients see them; `http` is the HTTP server that MQTT over WebSocket shares. */
  const ports = { http: 0, tcp: 0, ssl: 0, ws: 0, wss: 0 };

  async function listen(server: NetServer | HttpsServer, port: number): Promise<number> {
    server.listen(port, config.host);
    await once(server, 'listening');
    listeners.push(server);
    return (server.address() as AddressInfo).port;
  }

  return {
    aedes,
    ports,
    /** Connection history and refusal counts (docs/kii-api.md §13.2). */
    connections: tracker,
    acceptWebSockets,
    /** Starts the TCP listener, and the TLS ones when a certificate and key are configured. */
    async listen() {
      ports.tcp = await listen(
        createNetServer((socket) => {
          const admission = limiter.admit(socket, socket.remoteAddress);
          if (admission) handle(socket, admission, 'tcp', socket.remoteAddress);
        }),
        config.mqttPort,
      );
      if (config.tlsCert && config.tlsKey) {
        const tls = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
        const secureContext = createSecureContext(tls);
        // TLS on a plain listener, so that the per-address caps apply to the raw socket before
        // the handshake, and the connect timeout bounds the handshake too.
        ports.ssl = await listen(
          createNetServer((socket: Socket) => {
            const admission = limiter.admit(socket, socket.remoteAddress);
            if (admission)
              handle(
                new TLSSocket(socket, { isServer: true, secureContext }),
                admission,
                'tls',
                socket.remoteAddress,
              );
          }),
          config.mqttsPort,
        );
        const https = createHttpsServer(tls, (_req, res) => res.writeHead(426).end());
        acceptWebSockets(https, 'wss');
        ports.wss = await listen(https, config.wssPort);
      }
    },
    /**
     * Sends one QoS 0 PUBLISH straight to the client whose ID is `mqttTopic`, if it is connected
     * and subscribed to it. Skipping aedes' topic router keeps a 10,000-recipient push fast.
     */
    deliver(mqttTopic: string, payload: Buffer): boolean {
      const client = clients[mqttTopic];
      if (!client || !client.connected || !client.subscriptions[mqttTopic]) return false;
      client.publish(
        { cmd: 'publish', topic: mqttTopic, payload, qos: 0, retain: false, dup: false },
        () => {},
      );
      return true;
    },
    /**
     * The traced form of `deliver` for pushes: says why nothing was written, or starts the write
     * and tells `sink` how it settled. aedes calls back once the PUBLISH is handed to the
     * connection, or, when the socket's buffer was full, once it drained or the drain timeout cut
     * the connection; a connection closed by then lost the write. One closure per write, and the
     * caller's own `recipient` object: a 10,000-recipient push allocates nothing more for tracing.
     */
    write<T>(
      mqttTopic: string,
      payload: Buffer,
      sink: WriteSink<T>,
      recipient: T,
    ): 'NOT_CONNECTED' | 'NOT_SUBSCRIBED' | 'WRITING' {
      const client = clients[mqttTopic];
      if (!client || !client.connected) return 'NOT_CONNECTED';
      if (!client.subscriptions[mqttTopic]) return 'NOT_SUBSCRIBED';
      client.publish(
        { cmd: 'publish', topic: mqttTopic, payload, qos: 0, retain: false, dup: false },
        () => {
          const connection = tracker.of(client);
          if (!client.closed) return sink.written(recipient, connection);
          const reason = connection?.closeReason ?? null;
          sink.failed(
            recipient,
            connection,
            reason === 'DRAIN_TIMEOUT'
              ? { outcome: 'DROPPED_SLOW_CONSUMER', detail: 'drain timeout' }
              : { outcome: 'CONNECTION_CLOSED', detail: reason },
          );
        },
      );
      return 'WRITING';
    },
    get tapCount(): number {
      return tapClients.size;
    },
    /** Sends one PUBLISH to every connected tap. */
    deliverToTaps(payload: Buffer): void {
      for (const id of tapClients) this.deliver(id, payload);
    },
    /** Closes the connection using this client ID (an uninstalled installation). */
    disconnect(mqttTopic: string, reason: CloseReason = 'UNINSTALLED'): void {
      this.disconnectHere(mqttTopic, reason);
      deps.disconnectElsewhere?.(mqttTopic, reason);
    },
    /** Closes the connection using this client ID on this node only (a cluster's request). */
    disconnectHere(mqttTopic: string, reason: CloseReason): void {
      const client = clients[mqttTopic];
      if (client) closeFor(client, reason);
    },
    get connectedClients(): number {
      return aedes.connectedClients;
    },
    /** Open and not-yet-CONNECTed MQTT connections from one remote address. */
    connectionsFrom(address: string) {
      return limiter.counts(address);
    },
    async close() {
      tracker.shutdown();
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all(
        listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}

export type PushBroker = Awaited<ReturnType<typeof createPushBroker>>;

/** What delivery writes pushes through: the broker, or a cluster's router in front of it. */
export type PushWriter = Pick<PushBroker, 'write' | 'tapCount' | 'deliverToTaps'>;
