import fp from 'fastify-plugin';
import type { AddressInfo } from 'node:net';
import { createConnectionTracker } from '../broker/connection-tracker';
import { localCredentials } from '../broker/credentials';
import { directoryCredentials } from '../cluster/credential-directory';
import { disconnectEverywhere, nodeReporter } from './cluster';
import { createPushBroker, type PushBroker } from '../broker/push-broker';
import type { ServerConfig } from '../config';
import type { Metrics } from '../metrics';

declare module 'fastify' {
  interface FastifyInstance {
    /** The MQTT side: aedes with Kii's policy hooks, its listeners and connection history. */
    pushBroker: PushBroker;
  }
}

/**
 * The broker and its listeners. MQTT over WebSocket shares the HTTP server; the TCP (and TLS)
 * listeners open when the app gets ready, so a port already in use fails the start like the
 * HTTP port does. The broker closes before the HTTP server (its WebSocket connections would
 * hold that server open), and the connection history it queued is written before the database
 * closes.
 */
export const brokerPlugin = fp<{ config: ServerConfig; metrics: Metrics }>(
  async (app, { config, metrics }) => {
    const { installations, things, taps, connectionHistory } = app.repositories;
    const link = app.clusterLink;
    const reporter = link && config.brokerOnly ? nodeReporter(link) : null;
    const connections = createConnectionTracker({
      db: app.database,
      repository: connectionHistory,
      metrics,
      onWriteError: (err) => app.log.error({ err }, 'connection history not written'),
      forward: reporter?.history,
    });
    const broker = await createPushBroker({
      config,
      credentials:
        link && config.brokerOnly
          ? directoryCredentials(link.redis, config.appId)
          : localCredentials(installations, taps),
      things,
      mq: link?.mq,
      onThingOnline: reporter?.online,
      disconnectElsewhere: link && !config.brokerOnly ? disconnectEverywhere(link) : undefined,
      tracker: connections,
      log: app.log,
    });
    broker.acceptWebSockets(app.server);
    metrics.countConnectionsWith(() => broker.connectedClients);
    app.decorate('pushBroker', broker);
    app.addHook('onReady', async () => {
      await broker.listen();
    });
    app.addHook('onListen', (done) => {
      // MQTT over WebSocket is served on the HTTP port.
      broker.ports.http = broker.ports.ws = (app.server.address() as AddressInfo).port;
      done();
    });
    app.addHook('preClose', async () => {
      await broker.close();
    });
    app.addHook('onClose', async () => {
      connections.flush();
    });
  },
  { name: 'kii-broker', dependencies: ['kii-repositories', 'kii-cluster-link'] },
);
