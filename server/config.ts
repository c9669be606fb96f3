/** Runtime configuration of the local Kii-compatible server, filled from CLI flags. */
export interface ServerConfig {
  /** Interface the HTTP and MQTT listeners bind to. */
  host: string;
  /** Host name written into MQTT endpoints: what clients (browsers) use to reach the broker. */
  publicHost: string;
  /** HTTP port (REST API, console, MQTT over WebSocket at /mqtt); 0 picks a free port. */
  port: number;
  /** Plain MQTT (TCP) port; 0 picks a free port. */
  mqttPort: number;
  /** Directory holding the SQLite file; ignored with inMemory. */
  dataDir: string;
  inMemory: boolean;
  appId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
  /** How long a fresh installation's endpoint answers 503 MQTT_ENDPOINT_NOT_READY. */
  endpointDelayMs: number;
  /** Lifetime of MQTT endpoint credentials, seconds. Kii Cloud returns 2147483647. */
  mqttTtlSeconds: number;
  seedDemo: boolean;
  /** Demo pushes per second sent to the seeded demo topics; 0 = off. */
  demoTraffic: number;
  /** Built console (the directory holding en/ and ja/); served at / when set. */
  consoleDir?: string;
  /** PEM certificate and key: when both are given, MQTTS and WSS listeners start. */
  tlsCert?: string;
  tlsKey?: string;
  mqttsPort: number;
  wssPort: number;
  /** Log level for the server's own logger (fastify/pino). */
  logLevel: string;
  /** Largest request body accepted, bytes; larger bodies get 413. */
  bodyLimit: number;
  /** Concurrent MQTT connections (TCP, TLS, WebSocket) per remote address; 0 = unlimited. */
  mqttConnectionsPerAddress: number;
  /** Of those, connections that have not yet completed CONNECT; 0 = unlimited. */
  mqttPendingPerAddress: number;
  /** A request (headers and body) not received in full within this long gets 408. */
  requestTimeoutMs: number;
  /**
   * Per-push delivery ledger (docs/kii-api.md §13.1); off keeps no push record, no outcome
   * counts and no rows, for comparing its cost (connection history and /metrics stay).
   */
  deliveryLedger: boolean;
  /**
   * Redis to cluster on (a redis:// URL or a Unix socket path; docs/scale-out.md). Without
   * `brokerOnly` this node is the cluster's API node: REST, SQLite, and a broker too.
   */
  cluster?: string;
  /** A cluster's broker node: MQTT only, credentials from the API node's directory in Redis. */
  brokerOnly: boolean;
  /**
   * How long a subscriber's socket may stay full before the broker cuts the connection and its
   * waiting writes end DROPPED_SLOW_CONSUMER (docs/kii-api.md §13.1).
   */
  mqttDrainTimeoutMs: number;
}

export const NEVER_EXPIRES_SECONDS = 2147483647;

export const defaultConfig: ServerConfig = {
  host: '127.0.0.1',
  publicHost: 'localhost',
  port: 8080,
  mqttPort: 1883,
  dataDir: 'data',
  inMemory: false,
  appId: 'demoapp',
  appKey: 'demoappkey0123456789',
  clientId: 'demo-client-id',
  // Empty: made up per data directory at start-up (server/admin-secret.ts).
  clientSecret: '',
  endpointDelayMs: 0,
  mqttTtlSeconds: NEVER_EXPIRES_SECONDS,
  seedDemo: false,
  demoTraffic: 0,
  mqttsPort: 8883,
  wssPort: 8443,
  logLevel: 'warn',
  bodyLimit: 1024 * 1024,
  // Generous: on a development machine every client, benchmarks included, is 127.0.0.1.
  mqttConnectionsPerAddress: 20_000,
  mqttPendingPerAddress: 1_000,
  requestTimeoutMs: 30_000,
  deliveryLedger: true,
  brokerOnly: false,
  // A frozen subscriber must not stall delivery to everybody else (aedes needs a drain timeout
  // for that, and its own default is 60 s), nor keep a push's ledger record open for long; a
  // healthy client on a slow link drains a full buffer well within 5 s.
  mqttDrainTimeoutMs: 5000,
};

type FlagSpec = {
  key: keyof ServerConfig;
  kind: 'string' | 'int' | 'bool' | 'float';
  /** Bounds of a number flag; without them any non-negative number. */
  range?: [min: number, max: number];
};

const flags: Record<string, FlagSpec> = {
  '--host': { key: 'host', kind: 'string' },
  '--public-host': { key: 'publicHost', kind: 'string' },
  '--port': { key: 'port', kind: 'int' },
  '--mqtt-port': { key: 'mqttPort', kind: 'int' },
  '--mqtts-port': { key: 'mqttsPort', kind: 'int' },
  '--wss-port': { key: 'wssPort', kind: 'int' },
  '--data-dir': { key: 'dataDir', kind: 'string' },
  '--in-memory': { key: 'inMemory', kind: 'bool' },
  '--app-id': { key: 'appId', kind: 'string' },
  '--app-key': { key: 'appKey', kind: 'string' },
  '--client-id': { key: 'clientId', kind: 'string' },
  '--client-secret': { key: 'clientSecret', kind: 'string' },
  '--endpoint-delay': { key: 'endpointDelayMs', kind: 'int' },
  '--mqtt-ttl': { key: 'mqttTtlSeconds', kind: 'int' },
  '--seed-demo': { key: 'seedDemo', kind: 'bool' },
  '--demo-traffic': { key: 'demoTraffic', kind: 'float' },
  '--console': { key: 'consoleDir', kind: 'string' },
  '--tls-cert': { key: 'tlsCert', kind: 'string' },
  '--tls-key': { key: 'tlsKey', kind: 'string' },
  '--log-level': { key: 'logLevel', kind: 'string' },
  '--mqtt-connections-per-address': { key: 'mqttConnectionsPerAddress', kind: 'int' },
  '--mqtt-pending-per-address': { key: 'mqttPendingPerAddress', kind: 'int' },
  '--request-timeout': { key: 'requestTimeoutMs', kind: 'int' },
  // 0 would mean "wait forever" to aedes, bringing the stall back; under 100 ms a healthy
  // client's momentary backlog (a GC pause, a scheduling hiccup) would get it cut.
  '--mqtt-drain-timeout': { key: 'mqttDrainTimeoutMs', kind: 'int', range: [100, 600_000] },
  '--delivery-ledger': { key: 'deliveryLedger', kind: 'bool' },
  '--cluster': { key: 'cluster', kind: 'string' },
  '--broker-only': { key: 'brokerOnly', kind: 'bool' },
};

export const usage = `Usage: npm run --silent server -- [flags]
  --host <addr>            interface to bind (default 127.0.0.1)
  --public-host <name>     host name written into MQTT endpoints (default localhost)
  --port <n>               HTTP port: REST API under /api, console, MQTT over WebSocket at /mqtt (default 8080; 0 = free port)
  --mqtt-port <n>          MQTT over TCP (default 1883; 0 = free port)
  --tls-cert <pem> --tls-key <pem>   also start MQTTS (--mqtts-port, default 8883) and WSS (--wss-port, default 8443)
  --data-dir <dir>         where the SQLite file lives (default ./data)
  --in-memory              keep everything in memory (tests)
  --app-id, --app-key      the app's credentials (default demoapp / demoappkey0123456789)
  --client-id, --client-secret   the app admin's credentials (default demo-client-id and a random
                           secret kept in <data-dir>/admin-client-secret, shown on stderr)
  --endpoint-delay <ms>    answer 503 MQTT_ENDPOINT_NOT_READY this long after an install (default 0)
  --mqtt-ttl <s>           lifetime of MQTT endpoint credentials (default 2147483647, as Kii Cloud)
  --seed-demo              create the demo users, things, topics and installations
  --demo-traffic <n/s>     send n demo pushes per second to the demo topics
  --console <dir>          serve the built console from <dir> at /
  --mqtt-connections-per-address <n>   concurrent MQTT connections per client address (default 20000; 0 = unlimited)
  --mqtt-pending-per-address <n>       of those, connections that have not completed CONNECT (default 1000; 0 = unlimited)
  --log-level <level>      fatal, error, warn, info, debug (default warn)
  --request-timeout <ms>   answer 408 to a request not received in full in this time (default 30000)
  --mqtt-drain-timeout <ms>   cut a subscriber whose socket stays full this long (default 5000; 100-600000)
  --delivery-ledger=false  keep no per-push delivery ledger (default on; for measuring its cost)
  --cluster <redis>        join a cluster on Redis (redis://host:port or a Unix socket path): this node
                           is its API node (REST, SQLite and a broker); see docs/scale-out.md
  --cluster <redis> --broker-only   a broker node: MQTT (TCP, WebSocket at /mqtt) only, any number of them`;

/** Thrown for a bad command line; the entry point prints it with the usage text. */
export class UsageError extends Error {}

/** Parses `--flag value` / `--flag=value` arguments over the defaults. */
export function parseArgs(argv: string[], base: ServerConfig = defaultConfig): ServerConfig {
  const config: ServerConfig = { ...base };
  const record = config as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const spec = flags[name];
    if (!spec) throw new UsageError(`unknown flag ${name}`);
    if (spec.kind === 'bool') {
      record[spec.key] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`${name} needs a value`);
    if (spec.kind === 'string') {
      record[spec.key] = raw;
      continue;
    }
    const value = Number(raw);
    const valid = spec.kind === 'int' ? Number.isInteger(value) : Number.isFinite(value);
    if (spec.range) {
      const [min, max] = spec.range;
      if (!valid || value < min || value > max)
        throw new UsageError(
          `${name} needs ${spec.kind === 'int' ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`,
        );
    } else if (!valid || value < 0) {
      throw new UsageError(`${name} needs a non-negative number, got "${raw}"`);
    }
    record[spec.key] = value;
  }
  if (config.brokerOnly && !config.cluster) {
    throw new UsageError('--broker-only needs --cluster <redis>');
  }
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  return config;
}
