import type { FastifyInstance } from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { startServer } from '../app';
import { defaultConfig } from '../config';
import type { MqttEndpoint } from './mqtt-clients';

/** Where a broker node listens; `at(endpoint)` points an endpoint's ports at this node. */
export interface BrokerNodeAddress {
  readonly node: string;
  readonly http: number;
  readonly tcp: number;
  at(endpoint: MqttEndpoint): MqttEndpoint;
}

function address(node: string, http: number, tcp: number): BrokerNodeAddress {
  return {
    node,
    http,
    tcp,
    at: (endpoint) => ({ ...endpoint, host: '127.0.0.1', portTCP: tcp, portWS: http }),
  };
}

/** A broker node in this process (docs/scale-out.md), on ephemeral 127.0.0.1 ports. */
export async function startBrokerNode(
  redis: string,
  appId = defaultConfig.appId,
): Promise<BrokerNodeAddress & { app: FastifyInstance; close(): Promise<void> }> {
  const app = await startServer({
    ...defaultConfig,
    host: '127.0.0.1',
    publicHost: '127.0.0.1',
    port: 0,
    mqttPort: 0,
    logLevel: 'silent',
    appId,
    cluster: redis,
    brokerOnly: true,
  });
  const { ports } = app.pushBroker;
  return {
    ...address(app.clusterLink!.node, ports.http, ports.tcp),
    app,
    close: () => app.close(),
  };
}

/** A broker node as its own process (`server/main.ts --broker-only`), to be killed outright. */
export async function spawnBrokerNode(
  redis: string,
  appId = defaultConfig.appId,
): Promise<
  BrokerNodeAddress & {
    process: ChildProcess;
    kill(): Promise<void>;
    /** SIGTERM, as an operator stops it; resolves with the exit code. */
    terminate(): Promise<number | null>;
  }
> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('../main.ts', import.meta.url).pathname,
      '--cluster',
      redis,
      '--broker-only',
      '--port',
      '0',
      '--mqtt-port',
      '0',
      '--app-id',
      appId,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const ready = JSON.parse(line) as { node: string; http: number; mqtt: number; pid: number };
  return {
    ...address(ready.node, ready.http, ready.mqtt),
    process: child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(ready.pid, 'SIGKILL');
      await exited;
    },
    async terminate() {
      const exited = once(child, 'exit') as Promise<[number | null]>;
      process.kill(ready.pid, 'SIGTERM');
      return (await exited)[0];
    },
  };
}
