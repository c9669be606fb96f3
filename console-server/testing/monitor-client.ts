import { connectAsync, type MqttClient } from 'mqtt';

/** The endpoint fields a browser uses (docs/team-api.md, "Monitors"). */
export interface BrowserEndpoint {
  host: string;
  portWS: number;
  username: string;
  password: string;
  mqttTopic: string;
}

/**
 * Spec support: a real MQTT.js client connected the way the console connects in the browser
 * (WebSocket to `ws://host:portWS/mqtt`, client ID = mqttTopic, subscribed to mqttTopic).
 */
export interface MonitorClient {
  client: MqttClient;
  /** Pushes received on the endpoint's mqttTopic, parsed. */
  received: Record<string, unknown>[];
  /** Resolves with the first push (received or to come) that `match` accepts. */
  next(match: (push: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<unknown>;
  /** Resolves when the broker closes the connection (e.g. a takeover). */
  closed: Promise<void>;
  end(): Promise<void>;
}

export async function connectMonitor(endpoint: BrowserEndpoint): Promise<MonitorClient> {
  const client = await connectAsync(`ws://${endpoint.host}:${endpoint.portWS}/mqtt`, {
    clientId: endpoint.mqttTopic,
    username: endpoint.username,
    password: endpoint.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  const received: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload) => {
    if (topic !== endpoint.mqttTopic) return;
    received.push(JSON.parse(payload.toString()) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await client.subscribeAsync(endpoint.mqttTopic, { qos: 0 });
  return {
    client,
    received,
    closed,
    next(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`no matching push in ${timeoutMs} ms (${received.length} received)`)),
          timeoutMs,
        );
        const look = () => {
          const found = received.find(match);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(look);
        };
        look();
      });
    },
    end: () => client.endAsync(),
  };
}
