import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadSession } from './access/guard';
import { createBrokerOrigins } from './apps/broker-origins';
import { openConnectedApps, type ConnectedApps } from './apps/connected-apps';
import { loadVaultKey, VAULT_KEY_BYTES, VAULT_KEY_ENV } from './apps/vault-key';
import { createAuditRepository } from './audit/audit-repository';
import type { ConsoleServerConfig } from './config';
import { consoleStatic } from './console-static';
import { openDatabase } from './db/database';
import { startWalCheckpointer } from './db/wal-checkpointer';
import { ApiError, apiErrorHandler, sendApiError } from './errors';
import {
  addSecurityHeaders,
  clientError,
  csrfGuard,
  frameworkError,
  hostAllowed,
} from './http-edge';
import { KiiAdminClient, type KiiAdminClientOptions } from './kii/kii-admin-client';
import { oidcRoutes } from './oidc/oidc-routes';
import { MonitorKeeper } from './monitors/monitor-keeper';
import { createMonitorThings } from './monitors/monitor-things';
import { DEFAULT_PASSWORD_COST, type PasswordCost } from './people/passwords';
import { createPeopleRepository } from './people/people-repository';
import { importDoneEntry } from './registry/import-audit';
import { createImportJobStore } from './registry/import-job-store';
import { createImportJobs } from './registry/import-jobs';
import { createInstallationsRegistry } from './registry/installations-registry';
import { appsRoutes } from './routes/apps-routes';
import { auditRoutes } from './routes/audit-routes';
import { guardedTransport } from './kii/guarded-fetch';
import { fetchTransport } from './kii/kii-http';
import { bulkRoutes } from './routes/bulk-routes';
import { bulkUninstallRoutes } from './routes/bulk-uninstall-routes';
import { installationsRoutes } from './routes/installations-routes';
import { monitorRoutes } from './routes/monitor-routes';
import { peopleRoutes } from './routes/people-routes';
import { pushRoutes } from './routes/push-routes';
import { sessionRoutes } from './routes/session-routes';
import { topicsRoutes } from './routes/topics-routes';
import { createAddressThrottle } from './sessions/address-throttle';
import { createSessionRepository } from './sessions/session-repository';
import { createSignInLimiter } from './sessions/sign-in-limit';
import './team-services';

/**
 * What the app needs beyond the flags. Tests lower the password cost and pass a fetch that
 * observes the Kii client's exchanges (the secret scan reads the admin tokens Kii handed out).
 */
export interface AppOptions {
  config: ConsoleServerConfig;
  passwordCost?: PasswordCost;
  kii?: KiiAdminClientOptions;
}

/**
 * The vault key: KPC_CONSOLE_KEY, else --key-file, else <data-dir>/vault.key (created on first
 * start). An in-memory server with neither seals with a random key: its vault dies with it.
 */
function vaultKey(config: ConsoleServerConfig): Buffer {
  const named = config.keyFile ?? (config.inMemory ? undefined : join(config.dataDir, 'vault.key'));
  if (!named && !process.env[VAULT_KEY_ENV]) return randomBytes(VAULT_KEY_BYTES);
  return loadVaultKey({ keyFile: named }).key;
}

/** Infrastructure: the database with migrations and the repositories; closed on shutdown. */
const infrastructure = fp<AppOptions>(async (app, { config, passwordCost, kii }) => {
  const db = openDatabase(config);
  let apps: ConnectedApps;
  try {
    // After the database: openDatabase created the data dir the default key file lives in.
    apps = openConnectedApps(db, vaultKey(config));
  } catch (error) {
    // A missing or wrong key stops the start; the database must not stay open behind it.
    db.close();
    throw error;
  }
  // After the key check: a start that fails there has no worker to stop.
  const checkpointer = startWalCheckpointer(db);
  const audit = createAuditRepository(db);
  const imports = createImportJobs(createImportJobStore(db));
  // Imports a crash cut off end now, as failed, with the audit row they never got.
  for (const { job, clientAddress } of imports.recoverInterrupted()) {
    audit.record(importDoneEntry(job, clientAddress));
  }
  // Specs pass a fetch of their own built on guardedFetch (testing/kii-team-fixture.ts).
  const kiiClient = new KiiAdminClient({
    ...kii,
    transport: kii?.fetch
      ? fetchTransport(kii.fetch)
      : guardedTransport({ allowPrivate: config.allowPrivateKii }),
  });
  const brokers = createBrokerOrigins(db);
  const monitorThings = createMonitorThings(db, apps);
  app.decorate('team', {
    config,
    db,
    people: createPeopleRepository(db),
    sessions: createSessionRepository(db, {
      absoluteMs: config.sessionAbsoluteMinutes * 60_000,
      idleMs: config.sessionIdleMinutes * 60_000,
    }),
    audit,
    signInLimiter: createSignInLimiter(db, {
      allowed: config.signInFailuresAllowed,
      windowMs: config.signInLockMinutes * 60_000,
    }),
    signInThrottle: createAddressThrottle(db, {
      allowed: config.signInAddressRefusalsAllowed,
      windowMs: config.signInLockMinutes * 60_000,
    }),
    passwordCost: passwordCost ?? DEFAULT_PASSWORD_COST,
    apps,
    kii: kiiClient,
    registry: createInstallationsRegistry(db),
    imports,
    brokers,
    monitorThings,
    monitors: new MonitorKeeper(kiiClient, monitorThings, brokers),
  });
  app.addHook('onClose', async () => {
    // Running imports write verdicts to the registry: stop them before the database goes.
    await imports.close();
    await checkpointer.stop();
    db.close();
  });
});

/**
 * The team API under /team/api: JSON only (no form or text bodies, which a cross-site form
 * could send), the session found for every request, the CSRF guard on every state change.
 */
const teamApi = fp(async (app) => {
  await app.register(
    async (api) => {
      api.removeAllContentTypeParsers();
      api.addContentTypeParser(
        'application/json',
        { parseAs: 'string' },
        api.getDefaultJsonParser('error', 'error'),
      );
      api.decorateRequest('signedIn', null);
      api.addHook('onRequest', loadSession);
      // Before the body is even parsed: a forged request gets nothing but the refusal.
      api.addHook('onRequest', csrfGuard(app.team.config));
      await api.register(sessionRoutes);
      await api.register(oidcRoutes);
      await api.register(peopleRoutes);
      await api.register(auditRoutes);
      await api.register(appsRoutes);
      await api.register(installationsRoutes);
      await api.register(bulkRoutes);
      await api.register(bulkUninstallRoutes);
      await api.register(pushRoutes);
      await api.register(topicsRoutes);
      await api.register(monitorRoutes);
    },
    { prefix: '/team/api' },
  );
});

/** The whole console server as one plugin (not encapsulated, so `app.team` reaches the caller). */
export const consoleServer = fp<AppOptions>(async (app, options) => {
  // First, so that every route below answers errors in the envelope.
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendApiError(
      reply,
      new ApiError(
        404,
        'NOT_FOUND',
        `No resource at ${request.method} ${request.url.split('?')[0]}`,
      ),
    ),
  );
  const allowed = hostAllowed(options.config);
  // The CSP names the connected apps' broker origins, known once the infrastructure is up.
  app.addHook(
    'onRequest',
    addSecurityHeaders(() => app.team.brokers.csp()),
  );
  app.addHook('onRequest', (request, _reply, done) => {
    if (allowed(request.host)) return done();
    done(
      new ApiError(
        421,
        'MISDIRECTED_REQUEST',
        'This server does not answer to that host name; use localhost, an IP address or its --public-origin',
      ),
    );
  });
  await app.register(infrastructure, options);
  await app.register(teamApi);
  if (options.config.consoleDir) {
    await app.register(consoleStatic, { root: options.config.consoleDir });
  }
});

export function createApp(options: AppOptions): FastifyInstance {
  const { config } = options;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    forceCloseConnections: true,
    // A client that never finishes its request gives its socket back after this long; Node
    // arms its own checks only when the limits reach http.createServer, hence both.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, config.requestTimeoutMs / 4)),
    },
    trustProxy: config.trustProxy ?? false,
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
    // Unknown fields are refused rather than dropped, and types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    routerOptions: { maxParamLength: 200 },
  });
  app.register(consoleServer, options);
  return app;
}

/** Builds the app and listens; a port of 0 becomes a free port, returned with the app. */
export async function startConsoleServer(
  options: AppOptions,
): Promise<{ app: FastifyInstance; port: number }> {
  const app = createApp(options);
  await app.listen({ port: options.config.port, host: options.config.host });
  return { app, port: (app.server.address() as AddressInfo).port };
}
