import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import type { ServerConfig } from './config';
import type { Db } from './db/database';
import { KiiHttpError, kiiErrorHandler, sendKiiError } from './errors';
import type { ConnectionTracker } from './broker/connection-tracker';
import type { PushBroker } from './broker/push-broker';
import { createMetrics, metricsPlugin, type Metrics } from './metrics';
import type { Delivery } from './push/delivery';
import type { DeliveryLedger } from './push/delivery-ledger';
import {
  clientError,
  corsHeaders,
  expectationFailed,
  frameworkError,
  hostAllowed,
} from './http-edge';
import { brokerPlugin } from './plugins/broker';
import { clusterLinkPlugin, clusterRolePlugin } from './plugins/cluster';
import { databasePlugin } from './plugins/database';
import { deliveryPlugin } from './plugins/delivery';
import { demoPlugin } from './plugins/demo';
import { repositoriesPlugin, type Repositories } from './plugins/repositories';
import { kiiApi } from './routes/api';
import { jsonTextTooDeep, tooDeepError } from './routes/client-json';
import { consoleStatic } from './routes/console-static';

/**
 * Everything the routes share, decorated on the fastify instance as `kii`: the config and what
 * the infrastructure plugins (database, repositories, broker, delivery) provide.
 */
export interface KiiServices extends Repositories {
  config: ServerConfig;
  db: Db;
  broker: PushBroker;
  delivery: Delivery;
  /** Per-push outcomes per installation (docs/kii-api.md §13.1). */
  ledger: DeliveryLedger;
  /** MQTT connections per installation (docs/kii-api.md §13.2). */
  connections: ConnectionTracker;
  metrics: Metrics;
  /** Ports as clients see them; filled once the listeners are up. */
  ports: PushBroker['ports'];
}

declare module 'fastify' {
  interface FastifyInstance {
    kii: KiiServices;
  }
}

/** Answers an unknown route with Kii's 404 envelope; `message` gets "METHOD /path". */
function notFound(message: (route: string) => string) {
  return (request: FastifyRequest, reply: FastifyReply) =>
    sendKiiError(
      reply,
      new KiiHttpError(404, 'NOT_FOUND', message(`${request.method} ${request.url.split('?')[0]}`)),
    );
}

/** Far deeper than any Kii body, far shallower than what overflows the stack (thousands). */
const PARSER_MAX_DEPTH = 1000;

/** Kii's vendor media types (`application/vnd.kii.*+json`), plain JSON, and form posts. */
const bodyParsers = fp(async (app) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    /^application\/([\w.+-]*\+)?json$/,
    { parseAs: 'string' },
    (request, body, done) => {
      // The SDK sends `Content-Type: application/json` with empty bodies (ACL calls, PUT topic).
      if (body === '') return done(null, undefined);
      // Nesting deep enough to overflow a recursive walk later (serializers, escapePercent) is
      // refused for every route here, before anything sees it. Routes that store client JSON
      // refuse far shallower nesting themselves, naming the field (routes/client-json.ts).
      if (jsonTextTooDeep(body as string, PARSER_MAX_DEPTH)) {
        return done(tooDeepError('body', PARSER_MAX_DEPTH), undefined);
      }
      parseJson(request, body as string, done);
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    done(new KiiHttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON with a JSON media type'));
  });
});

/**
 * CORS as Kii Cloud does it (`Access-Control-Allow-Origin: *`), with pre-flights for the SDK's
 * custom headers, so a console served from another origin can call the API. Requests naming a
 * host this server does not answer to (DNS rebinding) are refused before anything else runs.
 */
const cors = fp(async (app, { config }: { config: ServerConfig }) => {
  const allowed = hostAllowed(config);
  // A callback hook rather than an async one: it runs on every request, and a promise per hook
  // is measurable on the endpoint-fetch path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(corsHeaders);
    if (!allowed(request.headers.host)) {
      return done(
        new KiiHttpError(
          421,
          'MISDIRECTED_REQUEST',
          'This server does not answer to that host name; use localhost, an IP address or its --public-host',
        ),
      );
    }
    done();
  });
  app.options('/api/*', async (request, reply) => {
    const requested = request.headers['access-control-request-headers'];
    reply
      .header('access-control-allow-methods', 'GET, POST, PUT, DELETE, HEAD, OPTIONS')
      .header(
        'access-control-allow-headers',
        requested ?? 'x-kii-appid, x-kii-appkey, x-kii-sdk, authorization, content-type, accept',
      )
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });
});

/**
 * The whole local Kii server as one plugin (not encapsulated, so `app.kii` reaches the caller):
 * the infrastructure plugins, each opening and closing what it owns, then the HTTP edge and the
 * routes.
 */
export const kiiPushServer = fp<{ config: ServerConfig }>(async (app, { config }) => {
  if (!config.clientSecret) throw new Error('the app admin client secret must not be empty');
  // First, so that every route below (the pre-flight route included) answers errors with it.
  app.setErrorHandler(kiiErrorHandler);
  app.setNotFoundHandler(notFound((route) => `No resource at ${route}`));
  const metrics = createMetrics();
  await app.register(databasePlugin, { config });
  await app.register(repositoriesPlugin, { config });
  await app.register(clusterLinkPlugin, { config });
  await app.register(brokerPlugin, { config, metrics });
  await app.register(clusterRolePlugin, { config, metrics });
  await app.register(deliveryPlugin, { config, metrics });
  const { database: db, repositories, pushBroker: broker, delivery } = app;
  app.decorate('kii', {
    config,
    db,
    ...repositories,
    broker,
    delivery,
    ledger: delivery.ledger,
    connections: broker.connections,
    metrics,
    ports: broker.ports,
  });
  if (config.seedDemo) await app.register(demoPlugin);
  await app.register(bodyParsers);
  await app.register(cors, { config });
  // After cors, so its Host check covers /metrics; before the API, so every route is counted.
  await app.register(metricsPlugin, { metrics });
  await app.register(kiiApi, { prefix: '/api' });
  if (config.consoleDir) await app.register(consoleStatic, { root: config.consoleDir });
});

/**
 * A cluster's broker node (docs/scale-out.md): the broker with the same policy hooks, clustered
 * on Redis, checking CONNECTs against the API node's credential directory. No REST API and no
 * data of its own: its SQLite is in memory and holds only its connection history.
 */
export const kiiBrokerNode = fp<{ config: ServerConfig }>(async (app, { config }) => {
  app.setErrorHandler(kiiErrorHandler);
  app.setNotFoundHandler(
    notFound(
      (route) =>
        `This is a cluster broker node: MQTT only (WebSocket at /mqtt). Send ${route} to the API node`,
    ),
  );
  const metrics = createMetrics();
  const local = { ...config, inMemory: true };
  await app.register(databasePlugin, { config: local });
  await app.register(repositoriesPlugin, { config: local });
  await app.register(clusterLinkPlugin, { config });
  await app.register(brokerPlugin, { config, metrics });
  await app.register(clusterRolePlugin, { config, metrics });
  await app.register(cors, { config });
  await app.register(metricsPlugin, { metrics });
});

function perRequestLogs(level: string): boolean {
  return ['trace', 'debug', 'info'].includes(level);
}

export function createApp(config: ServerConfig): FastifyInstance {
  const app = Fastify({
    logger: { level: config.logLevel },
    // Below info nothing logs per request, so the per-request child logger (a pino child
    // with the request ID) is skipped: with the callback hooks it saved 2-3 us of a 55 us fetch. Error lines
    // then carry no reqId; run with --log-level info to get request logs with IDs.
    ...(perRequestLogs(config.logLevel)
      ? {}
      : { childLoggerFactory: (logger: FastifyBaseLogger) => logger }),
    bodyLimit: config.bodyLimit,
    forceCloseConnections: true,
    // A client that never finishes its request gives its socket back after this long (fastify
    // turns Node's own limit off by default). Node only arms its checks when the limits are given
    // to http.createServer, hence the `http` options too; it checks at connectionsCheckingInterval,
    // a few times per timeout. Upgraded (MQTT over WebSocket) sockets are exempt.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, config.requestTimeoutMs / 4)),
      // Node would answer a Host-less HTTP/1.1 request 400 itself, with no envelope and no CORS
      // headers; the Host check in the cors plugin below decides instead.
      requireHostHeader: false,
    },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    // Unknown body fields are refused rather than silently dropped, and types are not coerced:
    // a client that sends `"development": "yes"` hears about it.
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        allErrors: true,
        allowUnionTypes: true,
      },
    },
    routerOptions: { ignoreDuplicateSlashes: true, ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  // An `Expect` other than 100-continue: Node would answer 417 itself, without the envelope.
  app.server.on('checkExpectation', expectationFailed);
  app.register(config.brokerOnly ? kiiBrokerNode : kiiPushServer, { config });
  return app;
}

/** Builds the app and starts it: HTTP and MQTT listeners on their ports (0: a free port). */
export async function startServer(config: ServerConfig): Promise<FastifyInstance> {
  const app = createApp(config);
  await app.listen({ port: config.port, host: config.host });
  return app;
}
