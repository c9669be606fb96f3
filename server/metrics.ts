import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import { RequestDurations, type RequestSeries } from './request-durations';

/**
 * The server's Prometheus metrics (docs/kii-api.md §13.4). One registry per server, not
 * prom-client's global one, so several servers in one process (the specs) count separately.
 * Labels are codes and route patterns only, never IDs: the scrape shows volumes, not who.
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const connectionCount = { get: (): number => 0 };
  return {
    registry,
    pushes: new Counter({ name: 'kii_pushes_total', help: 'Push messages sent.', registers }),
    deliveries: new Counter({
      name: 'kii_push_outcomes_total',
      help: 'Per-installation outcomes of pushes (DELIVERED = written to a connection).',
      labelNames: ['outcome'],
      registers,
    }),
    connections: new Gauge({
      name: 'kii_mqtt_connections',
      help: 'MQTT connections open and past CONNECT (installations and taps).',
      registers,
      collect() {
        this.set(connectionCount.get());
      },
    }),
    /** The broker sets where the open-connection count comes from. */
    countConnectionsWith(get: () => number): void {
      connectionCount.get = get;
    },
    connectsRefused: new Counter({
      name: 'kii_mqtt_connects_refused_total',
      help: 'MQTT connections refused before or at CONNECT.',
      labelNames: ['reason'],
      registers,
    }),
    disconnects: new Counter({
      name: 'kii_mqtt_disconnects_total',
      help: 'Accepted MQTT connections of installations that closed, by close reason.',
      labelNames: ['reason'],
      registers,
    }),
    takeovers: new Counter({
      name: 'kii_mqtt_takeovers_total',
      help: 'Connections closed because a newer one used the same client ID.',
      registers,
    }),
    clusterLost: new Counter({
      name: 'kii_cluster_not_routed_total',
      help: 'Push recipients not routed to the other cluster nodes because Redis was unreachable (QoS 0: lost).',
      registers,
    }),
    httpRequests: httpRequests(registry),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

function httpRequests(registry: Registry): RequestDurations {
  const durations = new RequestDurations(
    'kii_http_request_duration_seconds',
    'HTTP requests by method, route pattern and status: count and latency.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  // The registry reads any object with prom-client's metric shape (name, help, type, get()).
  registry.registerMetric(durations as unknown as Metric);
  return durations;
}

/** Method slots in a series key: status * 8 + slot identifies a series within a route. */
const METHOD_SLOTS: Record<string, number> = {
  GET: 0,
  HEAD: 1,
  POST: 2,
  PUT: 3,
  DELETE: 4,
  PATCH: 5,
  OPTIONS: 6,
};

/**
 * Counts every HTTP answer and serves `GET /metrics`. The scrape needs no token (Prometheus
 * scrapes without one): it holds aggregate numbers whose labels are outcome codes and route
 * patterns, never IDs. It is still kept from other origins' pages: no CORS header, so a web
 * page elsewhere cannot read the server's traffic volumes; the Host check applies as everywhere.
 */
export const metricsPlugin = fp<{ metrics: Metrics }>(async (app, { metrics }) => {
  // Per route (its config object is the route's own, the same on every request), the series by
  // status and method: a request allocates no key and calls into prom-client not at all.
  const byRoute = new WeakMap<object, Map<number, RequestSeries>>();
  const unmatched = new Map<number, RequestSeries>();
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const { config, url } = request.routeOptions;
    let route = url === undefined ? unmatched : byRoute.get(config);
    if (!route) {
      route = new Map();
      byRoute.set(config, route);
    }
    const method = request.raw.method ?? 'GET';
    const status = reply.statusCode;
    const slot = METHOD_SLOTS[method];
    // A method without a slot (WebDAV's, say) is looked up by its name: rare, so allowed to cost.
    const key = slot === undefined ? -1 : status * 8 + slot;
    let series = route.get(key);
    if (!series || key === -1) {
      series = metrics.httpRequests.series(method, url ?? 'unmatched', status);
      if (key !== -1) route.set(key, series);
    }
    // elapsedTime: fastify's own start and end times of the reply (no timer of ours).
    series.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    reply.removeHeader('access-control-allow-origin');
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
});
