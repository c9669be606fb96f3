/** Runtime configuration of the team-mode console server, filled from CLI flags. */
export interface ConsoleServerConfig {
  /** Interface the HTTP listener binds to. */
  host: string;
  /** HTTP port; 0 picks a free port. */
  port: number;
  /** Directory holding the SQLite file `console-server.sqlite`; ignored with inMemory. */
  dataDir: string;
  inMemory: boolean;
  /** Built console (the directory holding en/ and ja/); served at / when set. */
  consoleDir?: string;
  /**
   * The origin browsers use to reach this server (`https://console.example.com`) when it sits
   * behind a reverse proxy; state-changing requests must then come from exactly this origin.
   * Unset: the origin the request itself names (scheme and Host).
   */
  publicOrigin?: string;
  /**
   * Addresses of reverse proxies whose X-Forwarded-For / -Proto / -Host headers are believed
   * (fastify's trustProxy, comma-separated). Unset: none, so a client cannot fake its address.
   */
  trustProxy?: string;
  /** A session ends this long after sign-in, however busy. */
  sessionAbsoluteMinutes: number;
  /** A session ends after this long without a request. */
  sessionIdleMinutes: number;
  /** Failed sign-ins allowed per account and client address before the lock-out. */
  signInFailuresAllowed: number;
  /** How long the lock-out (and the window counting failures) lasts. */
  signInLockMinutes: number;
  /**
   * Refused sign-ins allowed per client address (an IPv6 /64 counts as one), whatever the
   * login, within the lock-out window before the address is throttled (sessions/address-throttle.ts).
   */
  signInAddressRefusalsAllowed: number;
  logLevel: string;
  /** Largest request body accepted, bytes; larger bodies get 413. */
  bodyLimit: number;
  /** A request (headers and body) not received in full within this long gets 408. */
  requestTimeoutMs: number;
  /**
   * The file holding the vault key that seals connected apps' credentials (created with a
   * random key on first start). Unset: `<dataDir>/vault.key`. KPC_CONSOLE_KEY wins over it.
   */
  keyFile?: string;
  /** JSON file listing the OpenID Connect providers people may sign in with (README). */
  oidcConfig?: string;
  /**
   * Lets connected apps' Kii calls reach private and loopback addresses (kii/kii-target-policy.ts):
   * `--allow-private-kii`, or KPC_ALLOW_PRIVATE_KII=1. Link-local and metadata addresses stay
   * refused either way.
   */
  allowPrivateKii: boolean;
}

export const defaultConfig: ConsoleServerConfig = {
  host: '127.0.0.1',
  // The local Kii server defaults to 8080; both can run side by side.
  port: 8090,
  dataDir: 'data/team',
  inMemory: false,
  // Long enough for a working day, short enough that a stolen cookie goes stale overnight.
  sessionAbsoluteMinutes: 12 * 60,
  sessionIdleMinutes: 30,
  signInFailuresAllowed: 5,
  signInLockMinutes: 15,
  // An office behind one NAT address refuses far fewer sign-ins in 15 minutes (mistyped
  // passwords, an expired one tried twice); a stranger spraying made-up logins reaches it
  // quickly and then writes one audit row per window instead of one per try.
  signInAddressRefusalsAllowed: 100,
  logLevel: 'warn',
  // The API takes small JSON bodies only (sign-in, people, roles).
  bodyLimit: 64 * 1024,
  requestTimeoutMs: 30_000,
  allowPrivateKii: false,
};

type FlagKind = 'string' | 'int' | 'bool';
type FlagSpec<T> = { key: keyof T; kind: FlagKind };

const serveFlags: Record<string, FlagSpec<ConsoleServerConfig>> = {
  '--host': { key: 'host', kind: 'string' },
  '--port': { key: 'port', kind: 'int' },
  '--data-dir': { key: 'dataDir', kind: 'string' },
  '--in-memory': { key: 'inMemory', kind: 'bool' },
  '--console': { key: 'consoleDir', kind: 'string' },
  '--public-origin': { key: 'publicOrigin', kind: 'string' },
  '--trust-proxy': { key: 'trustProxy', kind: 'string' },
  '--session-minutes': { key: 'sessionAbsoluteMinutes', kind: 'int' },
  '--session-idle-minutes': { key: 'sessionIdleMinutes', kind: 'int' },
  '--sign-in-failures': { key: 'signInFailuresAllowed', kind: 'int' },
  '--sign-in-lock-minutes': { key: 'signInLockMinutes', kind: 'int' },
  '--sign-in-address-refusals': { key: 'signInAddressRefusalsAllowed', kind: 'int' },
  '--log-level': { key: 'logLevel', kind: 'string' },
  '--request-timeout': { key: 'requestTimeoutMs', kind: 'int' },
  '--key-file': { key: 'keyFile', kind: 'string' },
  '--oidc-config': { key: 'oidcConfig', kind: 'string' },
  '--allow-private-kii': { key: 'allowPrivateKii', kind: 'bool' },
};

export const usage = `Usage: node --import tsx console-server/main.ts [command] [flags]
Commands:
  serve (default)          run the console server
  create-admin --login <name> [--display-name <text>] [--password-stdin] [--data-dir <dir>]
                           add a team admin (admin of every app); without --password-stdin a
                           password is generated and printed once
  verify-audit [--data-dir <dir>]
                           check the audit trail's hash chain; prints OK or the first broken seq
Flags of serve:
  --host <addr>            interface to bind (default 127.0.0.1)
  --port <n>               HTTP port (default 8090; 0 = free port)
  --data-dir <dir>         where console-server.sqlite lives (default ./data/team)
  --in-memory              keep everything in memory (tests)
  --console <dir>          serve the built console from <dir> at /
  --public-origin <url>    the origin browsers use (behind a reverse proxy), e.g. https://console.example.com
  --trust-proxy <addrs>    reverse proxies whose X-Forwarded-* headers are believed (default none)
  --session-minutes <n>    absolute session lifetime (default 720)
  --session-idle-minutes <n>  idle session lifetime (default 30)
  --sign-in-failures <n>   failed sign-ins per account and address before the lock-out (default 5)
  --sign-in-lock-minutes <n>  length of the lock-out (default 15)
  --sign-in-address-refusals <n>  refused sign-ins per client address (any login; an IPv6 /64 is
                           one address) within that window before the address is throttled (default 100)
  --log-level <level>      fatal, error, warn, info, debug (default warn)
  --request-timeout <ms>   answer 408 to a request not received in full in this time (default 30000)
  --key-file <path>        the vault key sealing connected apps' credentials (default <data-dir>/vault.key,
                           created on first start); KPC_CONSOLE_KEY (base64 of 32 bytes) wins over it;
                           --in-memory without either uses a random key for the process
  --oidc-config <file>     single sign-on: a JSON file listing OpenID Connect providers, their clients
                           and the mapping of a claim (e.g. groups) to roles (see the README)
  --allow-private-kii      let connected apps' Kii base URLs be private or loopback addresses (a local
                           or on-premises Kii server); KPC_ALLOW_PRIVATE_KII=1 does the same. Link-local
                           and cloud metadata addresses are refused always`;

/** Thrown for a bad command line; the entry point prints it with the usage text. */
export class UsageError extends Error {}

/** Parses `--flag value` / `--flag=value` arguments over `base`, with the flags of `specs`. */
export function parseFlags<T extends object>(
  argv: string[],
  specs: Record<string, FlagSpec<T>>,
  base: T,
): T {
  const config = { ...base };
  const record = config as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag ${name}`);
    const key = spec.key as string;
    if (spec.kind === 'bool') {
      record[key] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`${name} needs a value`);
    if (spec.kind === 'string') {
      record[key] = raw;
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      throw new UsageError(`${name} needs a non-negative whole number, got "${raw}"`);
    }
    record[key] = value;
  }
  return config;
}

export function parseServeArgs(argv: string[]): ConsoleServerConfig {
  const config = parseFlags(argv, serveFlags, defaultConfig);
  if (process.env['KPC_ALLOW_PRIVATE_KII'] === '1') config.allowPrivateKii = true;
  if (config.publicOrigin !== undefined) {
    let url: URL;
    try {
      url = new URL(config.publicOrigin);
    } catch {
      throw new UsageError(`--public-origin needs a URL, got "${config.publicOrigin}"`);
    }
    if (url.origin !== config.publicOrigin.replace(/\/$/, '')) {
      throw new UsageError('--public-origin takes an origin only: scheme, host and port');
    }
    config.publicOrigin = url.origin;
  }
  for (const [flag, value] of [
    ['--session-minutes', config.sessionAbsoluteMinutes],
    ['--session-idle-minutes', config.sessionIdleMinutes],
    ['--sign-in-failures', config.signInFailuresAllowed],
    ['--sign-in-lock-minutes', config.signInLockMinutes],
    ['--sign-in-address-refusals', config.signInAddressRefusalsAllowed],
  ] as const) {
    if (value < 1) throw new UsageError(`${flag} must be at least 1`);
  }
  return config;
}

/** Flags of the create-admin command. */
export interface CreateAdminOptions {
  dataDir: string;
  login: string;
  displayName?: string;
  passwordStdin: boolean;
}

export function parseCreateAdminArgs(argv: string[]): CreateAdminOptions {
  const options = parseFlags<CreateAdminOptions>(
    argv,
    {
      '--data-dir': { key: 'dataDir', kind: 'string' },
      '--login': { key: 'login', kind: 'string' },
      '--display-name': { key: 'displayName', kind: 'string' },
      '--password-stdin': { key: 'passwordStdin', kind: 'bool' },
    },
    { dataDir: defaultConfig.dataDir, login: '', passwordStdin: false },
  );
  if (!options.login) throw new UsageError('create-admin needs --login <name>');
  return options;
}

export function parseVerifyAuditArgs(argv: string[]): { dataDir: string } {
  return parseFlags<{ dataDir: string }>(
    argv,
    { '--data-dir': { key: 'dataDir', kind: 'string' } },
    { dataDir: defaultConfig.dataDir },
  );
}
