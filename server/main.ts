import { parseArgs, usage, UsageError, type ServerConfig } from './config';
import { join } from 'node:path';
import { withAdminSecret } from './admin-secret';
import type { FastifyInstance } from 'fastify';
import { startServer } from './app';

/**
 * Process entry: flags, one JSON "ready" line on stdout, graceful SIGTERM/SIGINT. Everything
 * else, listeners and demo traffic included, is in the app plugin, so tests build the same server
 * in-process.
 */
async function main() {
  let config: ServerConfig;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${usage}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.brokerOnly) return brokerNode(config);
  const explicitSecret = Boolean(config.clientSecret);
  config = withAdminSecret(config);
  const app = await startServer(config);
  const { demo } = app;
  const { ports } = app.kii;
  const ready = {
    ready: true,
    http: ports.http,
    mqtt: ports.tcp,
    mqtts: ports.ssl,
    wss: ports.wss,
    appId: config.appId,
    appKey: config.appKey,
    clientId: config.clientId,
    // No client secret: stdout is captured by CI and supervisors. The human banner has it.
    baseUrl: `http://${config.publicHost}:${ports.http}/api`,
    console: config.consoleDir ? `http://${config.publicHost}:${ports.http}/` : null,
    dataDir: config.inMemory ? null : config.dataDir,
    pid: process.pid,
    ...(app.clusterLink ? { role: 'api', node: app.clusterLink.node } : {}),
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  if (config.consoleDir) {
    process.stderr.write(
      `Kii Push Console: http://${config.publicHost}:${ports.http}/\n` +
        `  Kii base URL ${ready.baseUrl}  app ID ${config.appId}  app key ${config.appKey}\n` +
        `  app admin: client ID ${config.clientId}  client secret ${config.clientSecret}\n` +
        (demo
          ? `  demo users: ${demo.users.map((u) => `${u.loginName} / ${u.password}`).join(', ')}\n`
          : '') +
        `  MQTT tcp://${config.publicHost}:${ports.tcp}  ws://${config.publicHost}:${ports.http}/mqtt\n` +
        `Press Ctrl+C to stop.\n`,
    );
  } else if (!explicitSecret) {
    process.stderr.write(
      config.inMemory
        ? `app admin client secret (this run only): ${config.clientSecret}\n`
        : `app admin client secret: in ${join(config.dataDir, 'admin-client-secret')}\n`,
    );
  }

  stopOnSignals(app);
}

/** A cluster's broker node: no app secret, no data; its ready line says where MQTT is. */
async function brokerNode(config: ServerConfig) {
  const app = await startServer(config);
  const { ports } = app.pushBroker;
  const ready = {
    ready: true,
    role: 'broker',
    node: app.clusterLink!.node,
    http: ports.http,
    mqtt: ports.tcp,
    mqtts: ports.ssl,
    wss: ports.wss,
    appId: config.appId,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  stopOnSignals(app);
}

function stopOnSignals(app: FastifyInstance) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // Stop waiting after 10 s: a shutdown must not hang on a stuck socket.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(
    `kii-push-local failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
