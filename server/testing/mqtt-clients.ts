import { connectAsync, ErrorWithReasonCode, type IClientOptions, type MqttClient } from 'mqtt';
import { createRequire } from 'node:module';
import { connect as connectTcp, type Socket } from 'node:net';
import { once } from 'node:events';
import { WebSocket } from 'ws';

/** The fields of an mqtt-endpoint response that a client needs to connect (docs/kii-api.md §5.7). */
export interface MqttEndpoint {
  installationID: string;
  username: string;
  password: string;
  mqttTopic: string;
  host: string;
  portTCP: number;
  portSSL: number;
  portWS: number;
  portWSS: number;
  'X-MQTT-TTL': number;
}

export type Push = Record<string, unknown>;

/**
 * A connected, subscribed push client of any library: the pushes it received in order, and
 * promises for the next push and for the end of the connection.
 */
export interface PushReceiver {
  /** Every push received so far, parsed; only PUBLISHes on the endpoint's mqttTopic count. */
  readonly received: Push[];
  /** Topics of PUBLISHes that arrived on anything but the endpoint's mqttTopic. */
  readonly foreign: string[];
  /** Resolves with the next push not yet taken by an earlier `next()`. */
  next(timeoutMs?: number): Promise<Push>;
  /** Settles when the broker (or we) closed the connection. */
  readonly closed: Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
}

/** Collects pushes and hands them out in order to `next()` callers. */
class PushQueue {
  readonly received: Push[] = [];
  readonly foreign: string[] = [];
  private taken = 0;
  private waiters: ((push: Push) => void)[] = [];

  constructor(private readonly topic: string) {}

  accept(topic: string, payload: Buffer | string) {
    if (topic !== this.topic) {
      this.foreign.push(topic);
      return;
    }
    const push = JSON.parse(payload.toString()) as Push;
    this.received.push(push);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.taken++;
      waiter(push);
    }
  }

  next(timeoutMs: number): Promise<Push> {
    if (this.taken < this.received.length) return Promise.resolve(this.received[this.taken++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(settle), 1);
        reject(
          new Error(
            `no push on ${this.topic} within ${timeoutMs} ms (received ${this.received.length})`,
          ),
        );
      }, timeoutMs);
      const settle = (push: Push) => {
        clearTimeout(timer);
        resolve(push);
      };
      this.waiters.push(settle);
    });
  }
}

export type MqttJsTransport = 'tcp' | 'ws';

function mqttJsUrl(endpoint: MqttEndpoint, transport: MqttJsTransport): string {
  return transport === 'tcp'
    ? `mqtt://${endpoint.host}:${endpoint.portTCP}`
    : `ws://${endpoint.host}:${endpoint.portWS}/mqtt`;
}

/** Connects MQTT.js as Kii clients do: client ID = mqttTopic, endpoint user name and password. */
export async function connectMqttJs(
  endpoint: MqttEndpoint,
  transport: MqttJsTransport,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(mqttJsUrl(endpoint, transport), {
    clientId: endpoint.mqttTopic,
    username: endpoint.username,
    password: endpoint.password,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0,
    connectTimeout: 3000,
    ...options,
  });
}

/**
 * The CONNACK return code the broker answers to a connection attempt (0 = accepted).
 * MQTT.js rejects a refused CONNECT with the return code as the error's `code`.
 */
export async function connackCode(
  endpoint: MqttEndpoint,
  transport: MqttJsTransport,
  options: IClientOptions = {},
): Promise<number> {
  try {
    const client = await connectMqttJs(endpoint, transport, options);
    await client.endAsync();
    return 0;
  } catch (error) {
    if (error instanceof ErrorWithReasonCode) return error.code;
    throw error;
  }
}

/** MQTT.js connected and subscribed to its mqttTopic, collecting pushes. */
export async function mqttJsReceiver(
  endpoint: MqttEndpoint,
  transport: MqttJsTransport,
  options: IClientOptions = {},
): Promise<PushReceiver & { client: MqttClient }> {
  const client = await connectMqttJs(endpoint, transport, options);
  const queue = new PushQueue(endpoint.mqttTopic);
  client.on('message', (topic, payload) => queue.accept(topic, payload));
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const granted = await client.subscribeAsync(endpoint.mqttTopic, { qos: 0 });
  if (granted[0]?.qos !== 0)
    throw new Error(`SUBSCRIBE to own topic not granted: ${JSON.stringify(granted)}`);
  return {
    client,
    received: queue.received,
    foreign: queue.foreign,
    next: (timeoutMs = 3000) => queue.next(timeoutMs),
    closed,
    get connected() {
      return client.connected;
    },
    close: async () => {
      await client.endAsync(true);
    },
  };
}

// Paho is a browser library: it needs a global WebSocket (Node 20 has none). Its storage
// falls back to an in-memory map when there is no localStorage, so that needs no shim.
const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= WebSocket;
const Paho = createRequire(import.meta.url)('paho-mqtt') as PahoModule;

interface PahoMessage {
  destinationName: string;
  payloadString: string;
}
interface PahoClient {
  onMessageArrived: (message: PahoMessage) => void;
  onConnectionLost: (response: { errorCode: number; errorMessage: string }) => void;
  connect(options: Record<string, unknown>): void;
  subscribe(topic: string, options: Record<string, unknown>): void;
  disconnect(): void;
  isConnected(): boolean;
}
interface PahoModule {
  Client: new (host: string, port: number, path: string, clientId: string) => PahoClient;
}

/** The Paho JavaScript client over WebSocket (`/mqtt`), MQTT 3.1.1 (4) or 3.1 (3). */
export async function pahoReceiver(
  endpoint: MqttEndpoint,
  mqttVersion: 3 | 4 = 4,
): Promise<PushReceiver> {
  const client = new Paho.Client(endpoint.host, endpoint.portWS, '/mqtt', endpoint.mqttTopic);
  const queue = new PushQueue(endpoint.mqttTopic);
  let lost!: () => void;
  const closed = new Promise<void>((resolve) => (lost = resolve));
  client.onMessageArrived = (message) =>
    queue.accept(message.destinationName, message.payloadString);
  client.onConnectionLost = () => lost();
  await new Promise<void>((resolve, reject) =>
    client.connect({
      userName: endpoint.username,
      password: endpoint.password,
      mqttVersion,
      cleanSession: true,
      keepAliveInterval: 30,
      timeout: 3,
      onSuccess: () => resolve(),
      onFailure: (response: { errorCode: number; errorMessage: string }) =>
        reject(new Error(`Paho connect failed: ${response.errorCode} ${response.errorMessage}`)),
    }),
  );
  await new Promise<void>((resolve, reject) =>
    client.subscribe(endpoint.mqttTopic, {
      qos: 0,
      onSuccess: (response: { grantedQos: number | ArrayLike<number> }) => {
        const granted =
          typeof response.grantedQos === 'number' ? response.grantedQos : response.grantedQos[0];
        if (granted === 0) resolve();
        else reject(new Error(`Paho SUBSCRIBE granted ${granted}`));
      },
      onFailure: (response: unknown) =>
        reject(new Error(`Paho SUBSCRIBE failed: ${JSON.stringify(response)}`)),
    }),
  );
  return {
    received: queue.received,
    foreign: queue.foreign,
    next: (timeoutMs = 3000) => queue.next(timeoutMs),
    closed,
    get connected() {
      return client.isConnected();
    },
    close: async () => {
      if (client.isConnected()) {
        client.disconnect();
        await closed;
      }
    },
  };
}

/** MQTT's variable-length "remaining length". */
export function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

function utf8Field(value: string): Buffer {
  const text = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(text.length);
  return Buffer.concat([length, text]);
}

function packet(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), remainingLength(body.length), body]);
}

/**
 * Hand-written MQTT 3.1.1 packets, for what client libraries will not do on purpose
 * (fall silent after CONNECT, or stop reading).
 */
export const rawPackets = {
  connect(options: {
    clientId: string;
    username: string;
    password: string;
    keepaliveSeconds: number;
  }): Buffer {
    const keepalive = Buffer.alloc(2);
    keepalive.writeUInt16BE(options.keepaliveSeconds);
    const header = Buffer.concat([utf8Field('MQTT'), Buffer.from([4, 0xc2]), keepalive]);
    return packet(
      0x10,
      Buffer.concat([
        header,
        utf8Field(options.clientId),
        utf8Field(options.username),
        utf8Field(options.password),
      ]),
    );
  },
  subscribe(topic: string, packetId = 1): Buffer {
    const id = Buffer.alloc(2);
    id.writeUInt16BE(packetId);
    return packet(0x82, Buffer.concat([id, utf8Field(topic), Buffer.from([0])]));
  },
};

/** A raw TCP MQTT connection; resolves once CONNACK arrived, with its return code. */
export async function rawConnect(
  endpoint: MqttEndpoint,
  keepaliveSeconds: number,
): Promise<{ socket: Socket; returnCode: number; connectSentAt: number; closed: Promise<number> }> {
  const socket = connectTcp(endpoint.portTCP, endpoint.host);
  const closed = once(socket, 'close').then(() => Date.now());
  await once(socket, 'connect');
  const connectSentAt = Date.now();
  socket.write(
    rawPackets.connect({
      clientId: endpoint.mqttTopic,
      username: endpoint.username,
      password: endpoint.password,
      keepaliveSeconds,
    }),
  );
  const [connack] = (await once(socket, 'data')) as [Buffer];
  if (connack[0] !== 0x20) throw new Error(`expected CONNACK, got ${connack.toString('hex')}`);
  return { socket, returnCode: connack[3], connectSentAt, closed };
}

/** SUBSCRIBE on a raw connection; resolves with the granted QoS from the SUBACK (128 = refused). */
export async function rawSubscribe(socket: Socket, topic: string): Promise<number> {
  socket.write(rawPackets.subscribe(topic));
  const [suback] = (await once(socket, 'data')) as [Buffer];
  if (suback[0] !== 0x90) throw new Error(`expected SUBACK, got ${suback.toString('hex')}`);
  return suback[4];
}
