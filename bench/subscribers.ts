/**
 * Subscriber worker of the server benchmark: a child process holding a share of the MQTT.js
 * WebSocket clients, so that receiving 10,000 messages is spread over processes and the
 * measurement is of the broker, not of one saturated client event loop.
 *
 * Driven over the IPC channel by bench/server-bench.ts with request / reply messages
 * (`{ id, type, ... }` answered by `{ id, ... }`). Each received payload carries the run it
 * belongs to and its `sentAt` (epoch ms, same machine clock); the latency of a delivery is
 * `Date.now()` on receipt minus `sentAt`.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { performance } from 'node:perf_hooks';
import { DeliveryRuns } from './delivery-runs';

export type { RunReport } from './delivery-runs';

/** One client to open: the MQTT credentials and the topics it subscribes to. */
export interface SubscriberSpec {
  clientId: string;
  username?: string;
  password?: string;
  topics: string[];
}

export type WorkerRequest =
  | {
      id: number;
      type: 'connect';
      group: string;
      url: string;
      clients: SubscriberSpec[];
      batch: number;
    }
  | { id: number; type: 'expect'; run: string; count: number }
  | { id: number; type: 'wait'; run: string; timeoutMs: number }
  | { id: number; type: 'close'; group: string }
  | { id: number; type: 'exit' };

const groups = new Map<string, MqttClient[]>();
const runs = new DeliveryRuns();

function reply(id: number, body: object) {
  process.send!({ id, ...body });
}

function onMessage(_topic: string, payload: Buffer) {
  runs.record(payload, Date.now());
}

function openClient(url: string, spec: SubscriberSpec): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: spec.clientId,
      username: spec.username,
      password: spec.password,
      protocolVersion: 4,
      clean: true,
      // Long keep-alive: 10,000 clients pinging every minute would add traffic to the runs.
      keepalive: 300,
      reconnectPeriod: 0,
      connectTimeout: 60_000,
      resubscribe: false,
    });
    const fail = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('error', fail);
    client.once('connect', () => {
      client.subscribe(spec.topics, { qos: 0 }, (error, granted) => {
        if (error) return fail(error);
        const refused = granted?.find((grant) => grant.qos === 128);
        if (refused) return fail(new Error(`subscribe to ${refused.topic} refused`));
        client.removeListener('error', fail);
        // A client dropped later shows up as missing deliveries, not as a crash.
        client.on('error', () => {});
        client.on('message', onMessage);
        resolve(client);
      });
    });
  });
}

async function connect(group: string, url: string, clients: SubscriberSpec[], batch: number) {
  const open = groups.get(group) ?? [];
  groups.set(group, open);
  const started = performance.now();
  const failures: string[] = [];
  let failed = 0;
  for (let i = 0; i < clients.length; i += batch) {
    const settled = await Promise.allSettled(
      clients.slice(i, i + batch).map((spec) => openClient(url, spec)),
    );
    for (const result of settled) {
      if (result.status === 'fulfilled') open.push(result.value);
      else if (++failed <= 5) failures.push(String(result.reason?.message ?? result.reason));
    }
  }
  return { added: clients.length - failed, failures, ms: performance.now() - started };
}

process.on('message', async (request: WorkerRequest) => {
  switch (request.type) {
    case 'connect': {
      const { added, failures, ms } = await connect(
        request.group,
        request.url,
        request.clients,
        request.batch,
      );
      return reply(request.id, {
        connected: added,
        failed: request.clients.length - added,
        failures,
        ms,
      });
    }
    case 'expect':
      runs.expect(request.run, request.count);
      return reply(request.id, {});
    case 'wait': {
      const report = await runs.wait(request.run, request.timeoutMs);
      return reply(request.id, report ?? { error: `unknown run ${request.run}` });
    }
    case 'close': {
      const clients = groups.get(request.group) ?? [];
      groups.delete(request.group);
      await Promise.all(
        clients.map(
          (client) => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
        ),
      );
      return reply(request.id, { closed: clients.length });
    }
    case 'exit':
      reply(request.id, {});
      process.disconnect();
      process.exit(0);
  }
});

process.on('disconnect', () => process.exit(0));
