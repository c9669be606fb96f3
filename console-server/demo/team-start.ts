// `npm start`: team mode on one machine. Starts the local Kii server (demo app, demo traffic)
// and the console server serving the built console, connects the demo app, and gives the demo
// people admin, operator, support and viewer new random passwords (printed on stderr). One JSON
// ready line on stdout; SIGTERM or SIGINT stops both servers by their PIDs. It imports nothing
// from server/: the local Kii server is a child process known by its command line and ready line.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startChildServer, type ChildServer } from './child-server';
import { connectDemoApp } from './connect-demo-app';
import { resetDemoPeople, type DemoPerson } from './demo-people';

interface LaunchOptions {
  host: string;
  port: number;
  kiiPort: number;
  mqttPort: number;
  /** The local Kii server's data; the console server's is its `team/` folder. */
  dataDir: string;
  demoTraffic: number;
  consoleDir?: string;
}

interface KiiReady {
  http: number;
  mqtt: number;
  appId: string;
  appKey: string;
  clientId: string;
  baseUrl: string;
}

interface ConsoleReady {
  http: number;
  console: string | null;
  api: string;
}

const root = resolve(import.meta.dirname, '..', '..');

const usage = `Usage: node --import tsx console-server/demo/team-start.ts [flags]
  --console <dir>        the built console to serve (npm start passes dist/console/browser)
  --host <addr>          interface both servers bind (default 127.0.0.1)
  --port <n>             console server port (default 8090; 0 = free port)
  --kii-port <n>         local Kii server HTTP port (default 8080; 0 = free port)
  --mqtt-port <n>        local Kii server MQTT TCP port (default 1883; 0 = free port)
  --data-dir <dir>       local Kii server data (default ./data); the console server uses <dir>/team
  --demo-traffic <n>     demo pushes per second (default 1; 0 = none)`;

function parseArgs(argv: string[]): LaunchOptions {
  const options: LaunchOptions = {
    host: '127.0.0.1',
    port: 8090,
    kiiPort: 8080,
    mqttPort: 1883,
    dataDir: 'data',
    demoTraffic: 1,
  };
  const ints = { '--port': 'port', '--kii-port': 'kiiPort', '--mqtt-port': 'mqttPort' } as const;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    if (flag in ints) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`${flag} takes a port number, got ${value}`);
      options[ints[flag as keyof typeof ints]] = port;
    } else if (flag === '--demo-traffic') {
      options.demoTraffic = Number(value);
      if (!(options.demoTraffic >= 0)) throw new Error(`--demo-traffic takes a number >= 0`);
    } else if (flag === '--host') options.host = value;
    else if (flag === '--data-dir') options.dataDir = value;
    else if (flag === '--console') options.consoleDir = value;
    else throw new Error(`unknown flag ${flag}\n${usage}`);
  }
  return options;
}

function banner(origin: string, kii: KiiReady, people: DemoPerson[], options: LaunchOptions) {
  const width = Math.max(...people.map((p) => p.login.length));
  const rows = people.map(
    (p) =>
      `    ${p.login.padEnd(width)}  ${p.password}  ${p.roles
        .map((g) => `${g.role} of ${g.appId === '*' ? 'every app' : g.appId}`)
        .join(', ')}`,
  );
  return [
    `Kii Push Console, team mode: ${origin}/`,
    '  Sign in as one of the demo people (new passwords at every start; only hashes are kept):',
    ...rows,
    `  Local Kii server: ${kii.baseUrl} (app ${kii.appId}, ${options.demoTraffic} demo pushes/s)`,
    `  Console server data and vault key: ${join(options.dataDir, 'team')}`,
    '  Browser-only mode (no console server): npm run start:browser-only',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let options: LaunchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const teamDir = join(options.dataDir, 'team');
  const children: ChildServer<unknown>[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((child) => child.stop()));
    process.exit(code);
  };
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGINT', () => void stopAll(0));

  try {
    const kii = await startChildServer<KiiReady>({
      name: 'kii',
      script: join(root, 'server/main.ts'),
      cwd: root,
      // As `npm run server`: scrypt's buffers go back to the system (docs/performance.md).
      env: { MALLOC_MMAP_THRESHOLD_: '131072' },
      args: [
        '--seed-demo',
        '--demo-traffic',
        String(options.demoTraffic),
        '--host',
        options.host,
        ...(['0.0.0.0', '::'].includes(options.host) ? [] : ['--public-host', options.host]),
        '--port',
        String(options.kiiPort),
        '--mqtt-port',
        String(options.mqttPort),
        '--data-dir',
        options.dataDir,
      ],
    });
    children.push(kii);
    // The server keeps its admin secret in its data dir (made on first start), never on stdout.
    const clientSecret = readFileSync(join(options.dataDir, 'admin-client-secret'), 'utf8').trim();
    const app = { ...kii.ready, clientSecret };
    // Before the console server opens the database: nothing else writes to it meanwhile.
    const people = await resetDemoPeople({ dataDir: teamDir, appId: app.appId });
    const consoleServer = await startChildServer<ConsoleReady>({
      name: 'console-server',
      script: join(root, 'console-server/main.ts'),
      cwd: root,
      args: [
        '--host',
        options.host,
        '--port',
        String(options.port),
        '--data-dir',
        teamDir,
        // The demo app's Kii server is the local one, on loopback: a private target.
        '--allow-private-kii',
        ...(options.consoleDir ? ['--console', options.consoleDir] : []),
      ],
    });
    children.push(consoleServer);
    for (const child of children) {
      void child.exited.then((code) => {
        if (stopping) return;
        process.stderr.write(`${child.name} (PID ${child.pid}) exited with ${code}; stopping\n`);
        void stopAll(1);
      });
    }
    const origin = consoleServer.ready.api.replace(/\/team\/api$/, '');
    const admin = people.find((p) => p.login === 'admin')!;
    await connectDemoApp({ origin, admin, app });
    process.stderr.write(banner(origin, kii.ready, people, options));
    // The one ready line: no password, no secret.
    const ready = {
      ready: true,
      console: `${origin}/`,
      consoleServerPid: consoleServer.pid,
      kiiServerPid: kii.pid,
      http: consoleServer.ready.http,
      kiiHttp: kii.ready.http,
      kiiBaseUrl: kii.ready.baseUrl,
      appId: kii.ready.appId,
      // Not secrets (the SDK ships them in every app); the client secret stays in its file.
      appKey: kii.ready.appKey,
      clientId: kii.ready.clientId,
      dataDir: options.dataDir,
      pid: process.pid,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  } catch (error) {
    process.stderr.write(
      `npm start failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await stopAll(1);
  }
}

void main();
