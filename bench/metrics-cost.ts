/**
 * What the `/metrics` request hook costs one HTTP request, apart from everything else:
 *
 *   node --import tsx bench/metrics-cost.ts [--rounds 5] [--requests 100000] \
 *     [--variant name=<checkout>|off ...]
 *
 * Each variant is a fastify server in its own process (127.0.0.1, free port) with one route
 * shaped like the endpoint fetch (`GET /api/apps/:appID/installations/:installationID/
 * mqtt-endpoint`, a 250-byte JSON answer) and, unless `off`, the metrics plugin of
 * `<checkout>/server/metrics.ts`. The variants run interleaved (A B C A B C ...); each run warms
 * up, then times `--requests` keep-alive requests over 64 connections from bench/http-load.ts.
 * Printed per variant: medians of requests/s and of the server's CPU per request (from
 * /proc/<pid>/stat, user + system), the figure that carries over to the real server.
 * Default variants: off, and the metrics plugin of this checkout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { LeanHttpClient } from './http-load';

const ROUTE = '/api/apps/:appID/installations/:installationID/mqtt-endpoint';
const TICKS_PER_SECOND = 100;

async function serve(root: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  if (root !== 'off') {
    const { createMetrics, metricsPlugin } = await import(resolve(root, 'server/metrics.ts'));
    await app.register(metricsPlugin, { metrics: createMetrics() });
  }
  app.get(ROUTE, async (request) => {
    const { installationID } = request.params as { installationID: string };
    return {
      installationID,
      username: 'u'.repeat(40),
      password: 'p'.repeat(40),
      mqttTopic: 't'.repeat(40),
      host: 'localhost',
      portTCP: 1883,
      portSSL: 8883,
      portWS: 8080,
      portWSS: 8443,
      ttl: 2147483647,
    };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  process.stdout.write(`${address.port}\n`);
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function startVariant(root: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--serve', root],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, port: Number(line) };
}

async function measure(root: string, requests: number) {
  const { child, port } = await startVariant(root);
  try {
    const client = await LeanHttpClient.open('127.0.0.1', port, 64);
    const raw = client.build('GET', '/api/apps/demoapp/installations/inst-1/mqtt-endpoint', {});
    const ok = (response: { status: number }) => {
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    };
    await client.run(20_000, () => raw, ok);
    const ticks = cpuTicks(child.pid!);
    const started = process.hrtime.bigint();
    await client.run(requests, () => raw, ok);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuUs = ((cpuTicks(child.pid!) - ticks) / TICKS_PER_SECOND / requests) * 1e6;
    client.close();
    return { perSecond: requests / seconds, cpuUs };
  } finally {
    child.kill();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main(argv: string[]) {
  let rounds = 5;
  let requests = 100_000;
  const variants: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (flag === '--rounds') rounds = Number(value);
    else if (flag === '--requests') requests = Number(value);
    else if (flag === '--variant' && value?.includes('=')) {
      const [name, root] = value.split('=', 2);
      variants.push([name, root]);
    } else throw new Error(`unknown flag ${flag} (see the usage at the top of the file)`);
  }
  if (!(rounds >= 1 && requests >= 1000)) throw new Error('--rounds >= 1, --requests >= 1000');
  if (variants.length === 0) variants.push(['off', 'off'], ['on', process.cwd()]);
  const results = new Map(
    variants.map(([name]) => [name, [] as { perSecond: number; cpuUs: number }[]]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const [name, root] of variants) {
      const result = await measure(root, requests);
      results.get(name)!.push(result);
      process.stderr.write(
        `[metrics-cost] round ${round + 1} ${name}: ${Math.round(result.perSecond)}/s, ${result.cpuUs.toFixed(1)} us CPU/request\n`,
      );
    }
  }
  for (const [name, runs] of results) {
    console.log(
      `${name}: ${Math.round(median(runs.map((r) => r.perSecond)))} requests/s, ` +
        `${median(runs.map((r) => r.cpuUs)).toFixed(1)} us server CPU per request ` +
        `(medians of ${runs.length}; CPU ${runs.map((r) => r.cpuUs.toFixed(1)).join(' ')})`,
    );
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1]);
else await main(process.argv.slice(2));
