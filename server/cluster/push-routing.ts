import type { PushBroker, PushWriter, WriteSink } from '../broker/push-broker';
import type { Transport } from '../repositories/connection-history';
import type { ClusterLink } from './cluster-link';

/**
 * Pushes across a cluster (docs/scale-out.md). aedes' own routing would cost one Redis message
 * per recipient; instead the API node sends each push once, as one message naming every
 * recipient it could not write to itself, to every broker node. Each node writes to the
 * recipients connected to it with the same direct write as a single process, and reports back
 * what happened to each: written (with the connection), not subscribed, or how the write failed.
 * Recipients no node reports are not connected anywhere.
 */

/** API node to every broker node: write `payload` to these client IDs if connected here. */
export interface RouteRequest {
  route: string;
  /** The API node's ID: where the report goes. */
  from: string;
  payload: string;
  topics: string[];
}

/** Broker node to the API node: what happened to the recipients connected here. */
export interface RouteReport {
  route: string;
  node: string;
  /** [index into topics, connectionID, transport, writtenAt] */
  written: [number, string, Transport, number][];
  /** [index, outcome, detail, connectionID, transport] */
  failed: [
    number,
    'DROPPED_SLOW_CONSUMER' | 'CONNECTION_CLOSED',
    string | null,
    string,
    Transport,
  ][];
  notSubscribed: number[];
}

/** A broker node announces itself this often; three missed beats and it counts as gone. */
export const HEARTBEAT_MS = 2000;
/** How long the API node waits for every node's report before settling the rest. */
export const REPORT_TIMEOUT_MS = 15_000;

interface Heartbeat {
  node: string;
  state: 'up' | 'down';
}

interface PendingRoute {
  sink: WriteSink<unknown>;
  recipients: unknown[];
  /** Per recipient: settled already (reported by a node). */
  settled: Uint8Array;
  unsettled: number;
  awaiting: Set<string>;
  timer: NodeJS.Timeout;
}

/** The API node's router in front of its own broker: delivery writes pushes through it. */
export function createPushRouter(
  link: ClusterLink,
  broker: PushBroker,
  hooks: { onLost(recipients: number): void; onNodeGone(node: string): void },
) {
  const nodes = new Map<string, number>();
  const pending = new Map<string, PendingRoute>();
  /** Writes collected in this turn of the event loop, per payload (one per push). */
  let batch: {
    payload: Buffer;
    topics: string[];
    sink: WriteSink<unknown>;
    recipients: unknown[];
  } | null = null;
  let sequence = 0;

  function liveNodes(): string[] {
    return [...nodes.keys()];
  }

  /** A node gone (said so, or three beats missed): routes stop waiting for its report. */
  function forget(node: string) {
    if (!nodes.delete(node)) return;
    hooks.onNodeGone(node);
    for (const [route, entry] of pending) {
      if (entry.awaiting.delete(node) && entry.awaiting.size === 0) settleRest(route, null);
    }
  }
  const sweep = setInterval(() => {
    const cutoff = Date.now() - 3 * HEARTBEAT_MS;
    for (const [node, at] of nodes) if (at < cutoff) forget(node);
  }, HEARTBEAT_MS);
  sweep.unref();

  function settleRest(route: string, detail: string | null) {
    const entry = pending.get(route);
    if (!entry) return;
    pending.delete(route);
    clearTimeout(entry.timer);
    const now = Date.now();
    entry.recipients.forEach((recipient, i) => {
      if (entry.settled[i]) return;
      // Expired credentials cannot connect: that, not the absent connection, is the cause.
      const expiresAt = (recipient as { expires_at?: number }).expires_at;
      const outcome =
        expiresAt !== undefined && expiresAt <= now ? 'CREDENTIALS_EXPIRED' : 'NOT_CONNECTED';
      entry.sink.failed(recipient, undefined, { outcome, detail });
    });
  }

  function flush() {
    const current = batch!;
    batch = null;
    const awaiting = new Set(liveNodes());
    const route = `${link.node}-${++sequence}`;
    const entry: PendingRoute = {
      sink: current.sink,
      recipients: current.recipients,
      settled: new Uint8Array(current.recipients.length),
      unsettled: current.recipients.length,
      awaiting,
      timer: setTimeout(
        () => settleRest(route, `no report from cluster node(s) ${[...awaiting].join(', ')}`),
        REPORT_TIMEOUT_MS,
      ),
    };
    entry.timer.unref();
    pending.set(route, entry);
    if (!link.up) {
      // QoS 0 by Kii's rules: what cannot be routed now is lost, counted and said so per recipient.
      hooks.onLost(current.recipients.length);
      return settleRest(route, 'not routed: the cluster link to Redis is down');
    }
    if (awaiting.size === 0) return settleRest(route, null);
    link.send('deliver', {
      route,
      from: link.node,
      payload: current.payload.toString('base64'),
      topics: current.topics,
    } satisfies RouteRequest);
  }

  function onReport(report: RouteReport) {
    const entry = pending.get(report.route);
    if (!entry) return;
    for (const [i, connectionID, transport, at] of report.written) {
      if (entry.settled[i]) continue;
      entry.settled[i] = 1;
      entry.unsettled--;
      entry.sink.written(entry.recipients[i], { connectionID, transport }, at);
    }
    for (const [i, outcome, detail, connectionID, transport] of report.failed) {
      if (entry.settled[i]) continue;
      entry.settled[i] = 1;
      entry.unsettled--;
      entry.sink.failed(entry.recipients[i], { connectionID, transport }, { outcome, detail });
    }
    for (const i of report.notSubscribed) {
      if (entry.settled[i]) continue;
      entry.settled[i] = 1;
      entry.unsettled--;
      entry.sink.failed(entry.recipients[i], undefined, {
        outcome: 'NOT_SUBSCRIBED',
        detail: null,
      });
    }
    entry.awaiting.delete(report.node);
    // Every recipient found: the nodes yet to report have none of them.
    if (entry.awaiting.size === 0 || entry.unsettled <= 0) settleRest(report.route, null);
  }

  const writer: PushWriter = {
    write(mqttTopic, payload, sink, recipient) {
      const local = broker.write(mqttTopic, payload, sink, recipient);
      if (local !== 'NOT_CONNECTED') return local;
      if (!batch || batch.payload !== payload || batch.sink !== sink) {
        if (batch) flush();
        batch = { payload, topics: [], sink: sink as WriteSink<unknown>, recipients: [] };
        queueMicrotask(() => batch && flush());
      }
      batch.topics.push(mqttTopic);
      batch.recipients.push(recipient);
      return 'WRITING';
    },
    get tapCount() {
      // Taps on other nodes are not counted here: the tap message always goes out.
      return 1;
    },
    deliverToTaps(payload) {
      broker.deliverToTaps(payload);
      link.send('taps', { payload: payload.toString('base64') });
    },
  };

  return {
    writer,
    liveNodes,
    async start() {
      await link.listen<Heartbeat>('nodes', ({ node, state }) => {
        if (state === 'up') nodes.set(node, Date.now());
        else forget(node);
      });
      await link.listen<RouteReport>(`reports/${link.node}`, onReport);
      link.send('roll-call', {});
      link.events.on('resumed', () => link.send('roll-call', {}));
    },
    stop() {
      clearInterval(sweep);
      for (const route of [...pending.keys()]) settleRest(route, 'the API node stopped');
    },
  };
}

/** A broker node's side: writes what the API node routes to its own clients and reports. */
export async function receivePushes(link: ClusterLink, broker: PushBroker) {
  await link.listen<RouteRequest>('deliver', (request) => {
    const payload = Buffer.from(request.payload, 'base64');
    const report: RouteReport = {
      route: request.route,
      node: link.node,
      written: [],
      failed: [],
      notSubscribed: [],
    };
    let inFlight = 1;
    const done = () => {
      if (--inFlight === 0) link.send(`reports/${request.from}`, report);
    };
    const sink: WriteSink<number> = {
      written(i, connection, at = Date.now()) {
        report.written.push([
          i,
          connection?.connectionID ?? '',
          connection?.transport ?? 'tcp',
          at,
        ]);
        done();
      },
      failed(i, connection, failure) {
        report.failed.push([
          i,
          failure.outcome as 'DROPPED_SLOW_CONSUMER' | 'CONNECTION_CLOSED',
          failure.detail,
          connection?.connectionID ?? '',
          connection?.transport ?? 'tcp',
        ]);
        done();
      },
    };
    request.topics.forEach((topic, i) => {
      const result = broker.write(topic, payload, sink, i);
      if (result === 'WRITING') inFlight++;
      else if (result === 'NOT_SUBSCRIBED') report.notSubscribed.push(i);
    });
    done();
  });
  await link.listen<{ payload: string }>('taps', ({ payload }) =>
    broker.deliverToTaps(Buffer.from(payload, 'base64')),
  );
  const beat = () => link.send('nodes', { node: link.node, state: 'up' } satisfies Heartbeat);
  // A (re)started API node asks, so that it need not wait a heartbeat to know the nodes.
  await link.listen('roll-call', beat);
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  link.events.on('resumed', beat);
  return {
    stop() {
      clearInterval(timer);
      link.send('nodes', { node: link.node, state: 'down' } satisfies Heartbeat);
    },
  };
}
