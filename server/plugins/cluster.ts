import fp from 'fastify-plugin';
import type { PushWriter } from '../broker/push-broker';
import { openClusterLink, type ClusterLink } from '../cluster/cluster-link';
import { publishCredentials } from '../cluster/credential-directory';
import { createPushRouter, receivePushes } from '../cluster/push-routing';
import type { ServerConfig } from '../config';
import type { Metrics } from '../metrics';
import type { HistoryEvent } from '../broker/connection-tracker';
import type { CloseReason } from '../repositories/connection-history';

declare module 'fastify' {
  interface FastifyInstance {
    /** The link to the cluster's Redis; null in the default, single-process mode. */
    clusterLink: ClusterLink | null;
    /** What delivery writes through: the broker, or on a cluster's API node its router. */
    pushWriter: PushWriter;
    /** On a cluster's API node, the broker nodes heard from lately (empty otherwise). */
    clusterNodes(): string[];
  }
}

/** How often a broker node passes its events (things online, connection records) on. */
const EVENTS_FLUSH_MS = 100;

/**
 * Opens the cluster link before the broker, which clusters its aedes on it (docs/scale-out.md),
 * and closes it after the broker has closed.
 */
export const clusterLinkPlugin = fp<{ config: ServerConfig }>(
  async (app, { config }) => {
    const link = config.cluster ? await openClusterLink(config.cluster, config.appId) : null;
    app.decorate('clusterLink', link);
    if (link) {
      link.events.on('down', () => app.log.warn('cluster: the link to Redis is down'));
      link.events.on('resumed', () => app.log.warn('cluster: the link to Redis is back'));
      app.addHook('onClose', async () => link.close());
    }
  },
  { name: 'kii-cluster-link' },
);

/** What a broker node tells the API node, batched: things online or not, connection records. */
export interface NodeEvents {
  node: string;
  online: [string, boolean][];
  history: HistoryEvent[];
}

/**
 * A broker node's report to the API node: thing online changes and its connection history, so
 * that `_online`, "last seen" and the delivery trace on the API node cover every node. Sent every
 * 100 ms at most, as one message, and at once when the node stops: its connections' closes
 * (SERVER_SHUTDOWN) must reach the API node before the node's "down" (sent later, see
 * clusterRolePlugin), or the API node records them as lost with a node that stopped answering.
 */
export function nodeReporter(link: ClusterLink) {
  let batch: NodeEvents | null = null;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    clearTimeout(timer);
    if (batch) link.send('node-events', batch);
    batch = null;
  };
  const pending = (): NodeEvents => {
    if (!batch) {
      batch = { node: link.node, online: [], history: [] };
      timer = setTimeout(send, EVENTS_FLUSH_MS);
    }
    return batch;
  };
  link.beforeClose(send);
  return {
    online: (thingId: string, online: boolean) => void pending().online.push([thingId, online]),
    history: (event: HistoryEvent) => void pending().history.push(event),
  };
}

/** On a cluster's API node: closes an uninstalled client ID on whichever node holds it. */
export function disconnectEverywhere(link: ClusterLink) {
  return (clientId: string, reason: CloseReason) => link.send('close', { clientId, reason });
}

/**
 * The node's part in the cluster once its broker exists. The API node keeps the credential
 * directory, routes pushes and records what the broker nodes report; a broker node writes what
 * is routed to it and closes what the API node uninstalls. Without a cluster, delivery writes
 * straight to the broker.
 */
export const clusterRolePlugin = fp<{ config: ServerConfig; metrics: Metrics }>(
  async (app, { config, metrics }) => {
    const link = app.clusterLink;
    const broker = app.pushBroker;
    if (!link || config.brokerOnly) app.decorate('clusterNodes', () => []);
    if (!link) {
      app.decorate('pushWriter', broker);
      return;
    }
    if (config.brokerOnly) {
      const receiver = await receivePushes(link, broker);
      await link.listen<{ clientId: string; reason: CloseReason }>(
        'close',
        ({ clientId, reason }) => broker.disconnectHere(clientId, reason),
      );
      app.decorate('pushWriter', broker);
      // Not a preClose hook: aedes closes the link once its clients are closed, before that
      // hook would run. After the reporter's last batch (its beforeClose was added earlier, in
      // brokerPlugin), so the API node has every close before it forgets the node.
      link.beforeClose(() => receiver.stop());
      return;
    }
    const { installations, taps, things } = app.repositories;
    const directory = publishCredentials(link.redis, config.appId, installations, taps, (err) =>
      app.log.error({ err }, 'cluster: credential directory not updated'),
    );
    const resync = async () => {
      try {
        const count = await directory.resync();
        app.log.info({ count }, 'cluster: credential directory written');
      } catch (err) {
        app.log.error({ err }, 'cluster: credential directory not written; retried on reconnect');
      }
    };
    const router = createPushRouter(link, broker, {
      onLost: (lost) => metrics.clusterLost.inc(lost),
      onNodeGone: (node) => broker.connections.forgetNode(node),
    });
    await router.start();
    await link.listen<NodeEvents>('node-events', ({ node, online, history }) => {
      for (const [thingId, isOnline] of online) things.setOnline(thingId, isOnline);
      for (const event of history) broker.connections.remote(event, node);
    });
    link.events.on('resumed', () => void resync());
    app.decorate('pushWriter', router.writer);
    app.decorate('clusterNodes', router.liveNodes);
    app.addHook('onReady', resync);
    app.addHook('preClose', async () => router.stop());
  },
  { name: 'kii-cluster-role', dependencies: ['kii-broker', 'kii-repositories'] },
);
