import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
    httpRequests: new Histogram({
      name: 'kii_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status: count and latency.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Counts every HTTP answer and serves `GET /metrics`. The scrape needs no token (Prometheus
 * scrapes without one): it holds aggregate numbers whose labels are outcome codes and route
 * patterns, never IDs. It is still kept from other origins' pages: no CORS header, so a web
 * page elsewhere cannot read the server's traffic volumes; the Host check applies as everywhere.
 */
export const metricsPlugin = fp<{ metrics: Metrics }>(async (app, { metrics }) => {
  // Children per label set, so the hot path (endpoint fetches) skips prom-client's label hashing.
  const children = new Map<string, { observe(seconds: number): void }>();
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = metrics.httpRequests.labels(request.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    reply.removeHeader('access-control-allow-origin');
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
});
