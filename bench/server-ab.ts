/**
 * `npm run bench:server-ab`: the same work against two (or more) variants of the local Kii
 * server, interleaved round by round, for before/after and on/off questions that one
 * `bench:server` run per variant cannot settle on a shared 2-core machine (docs/performance.md).
 *
 *   node --import tsx bench/server-ab.ts --variant on --variant 'off=--delivery-ledger=false'
 *     [--root <variant>=<checkout>] [--recipients 10000] [--installs 2000] [--rounds 3]
 *     [--pushes 3] [--workers 2] [--concurrency 64] [--cpu-prof <dir>]
 *
 * A variant is a name and the server flags it adds; `--root` runs that variant's server/ from
 * another checkout (its migrations must match this one's, as the data directory is shared).
 * `--cpu-prof` writes each server's V8 CPU profile under `<dir>/<variant>-<round>/`.
 *
 * Set-up, once: a SQLite data directory with `recipients + installs` users (written through the
 * server's repositories, one real password hash: registering 10,000 users through REST hashes
 * 10,000 passwords, about 10 minutes here, and nothing here signs a user in), every recipient
 * subscribed to one app topic, installed for MQTT and given its endpoint through REST.
 * Each round then runs every variant once, in alternating order (A B, B A, ...), each on its own
 * copy of that directory: a warm-up (3,000 repeated installs and endpoint fetches, not
 * measured), `installs` fresh installs (server CPU per install), one endpoint fetch
 * per recipient (server CPU per fetch), all recipients connected over WebSocket with MQTT.js in
 * `--workers` processes, one warm-up push and `--pushes` measured pushes to all of them.
 * Server CPU comes from /proc, so it is less sensitive to neighbours than time is; "others" says
 * how many cores the rest of the machine used meanwhile. Prints a Markdown table.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminSession, ALL_TOPIC, seedUsers } from './cluster-setup';
import { connectClients, fanOut, ownPids, percentile, phaseMeter } from './measure';
import { positiveInteger } from './options';
import { loadAverage, startKiiServer, startSubscriberWorker } from './processes';
import type { FanOut, Phase } from './report';

interface Variant {
  name: string;
  args: string[];
  root?: string;
}

function parse(argv: string[]) {
  const options = {
    recipients: 10_000,
    installs: 2_000,
    rounds: 3,
    pushes: 3,
    workers: 2,
    concurrency: 64,
    variants: [] as Variant[],
    cpuProf: undefined as string | undefined,
  };
  const roots = new Map<string, string>();
  const numbers = ['recipients', 'installs', 'rounds', 'pushes', 'workers', 'concurrency'];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = flag.replace(/^--/, '');
    if (numbers.includes(name)) {
      (options as unknown as Record<string, number>)[name] = positiveInteger(flag, argv[++i]);
    } else if (flag === '--variant') {
      const [variant, flags = ''] = (argv[++i] ?? '').split(/=(.*)/s);
      if (!variant) throw new Error('--variant needs a name');
      options.variants.push({ name: variant, args: flags.split(/\s+/).filter(Boolean) });
    } else if (flag === '--cpu-prof') {
      options.cpuProf = argv[++i];
      if (!options.cpuProf) throw new Error('--cpu-prof needs a directory');
    } else if (flag === '--root') {
      const [variant, root] = (argv[++i] ?? '').split(/=(.*)/s);
      if (!variant || !root) throw new Error('--root needs <variant>=<checkout>');
      roots.set(variant, root);
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (options.variants.length < 2) throw new Error('give at least two --variant');
  for (const [variant, root] of roots) {
    const found = options.variants.find((v) => v.name === variant);
    if (!found) throw new Error(`--root names no variant ${variant}`);
    found.root = root;
  }
  return options;
}

const options = parse(process.argv.slice(2));
const log = (line: string) => process.stderr.write(`[ab] ${line}\n`);

interface RoundResult {
  variant: string;
  round: number;
  installs: Phase;
  fetches: Phase;
  pushes: FanOut[];
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const ms = (value: number) => Math.round(value).toLocaleString('en-US');
const us = (seconds: number, count: number) => ((seconds * 1e6) / count).toFixed(1);
const cores = (values: number[]) => Math.max(...values).toFixed(2);

const template = mkdtempSync(join(tmpdir(), 'kpc-ab-template-'));
const workers = Array.from({ length: options.workers }, () => startSubscriberWorker());
for (const w of workers) ownPids.add(w.process.pid!);
const cleanUp: string[] = [template];
const loadBefore = loadAverage();

try {
  const results = await run();
  printTable(results, loadBefore, loadAverage());
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  for (const dir of cleanUp) rmSync(dir, { recursive: true, force: true });
}

async function run(): Promise<RoundResult[]> {
  const n = options.recipients;
  log(`set-up: ${n + options.installs} users, ${n} subscribed, installed and given endpoints`);
  const { userIds } = await seedUsers(template, n + options.installs, [
    { id: ALL_TOPIC, count: n },
  ]);
  const recipients = userIds.slice(0, n);
  const fresh = userIds.slice(n);
  const setup = await startKiiServer([], undefined, template);
  const admin = await adminSession(setup.ready, options.concurrency);
  const { result: installations } = await admin.install(recipients);
  const { result: clients } = await admin.endpoints(installations, recipients);
  admin.close();
  await setup.stop();

  const results: RoundResult[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? options.variants : [...options.variants].reverse();
    for (const variant of order) {
      log(`round ${round + 1}/${options.rounds}: ${variant.name}`);
      const dataDir = mkdtempSync(join(tmpdir(), 'kpc-ab-run-'));
      cleanUp.push(dataDir);
      cpSync(template, dataDir, { recursive: true });
      const profile = options.cpuProf
        ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProf, `${variant.name}-${round + 1}`)]
        : [];
      const server = await startKiiServer(profile, variant.root, dataDir, variant.args);
      const pid = server.ready.pid;
      ownPids.add(pid);
      const session = await adminSession(server.ready, options.concurrency);
      try {
        // Warm-up, not measured: repeated installs (Kii's "same installation again") and
        // endpoint fetches of the first recipients take the measured paths through the JIT.
        const warm = Math.min(n, 3_000);
        await session.install(recipients.slice(0, warm));
        await session.endpoints(installations.slice(0, warm), recipients.slice(0, warm));
        let meter = phaseMeter(pid);
        await session.install(fresh);
        const installs = meter();
        meter = phaseMeter(pid);
        await session.endpoints(installations, recipients);
        const fetches = meter();
        const url = `ws://127.0.0.1:${server.ready.http}/mqtt`;
        await connectClients(workers, 'ab', url, 0, n, (j) => ({
          clientId: clients[j].clientId,
          username: clients[j].username,
          password: clients[j].password,
          topics: [clients[j].clientId],
        }));
        const pushes: FanOut[] = [];
        for (let p = 0; p <= options.pushes; p++) {
          const runId = `${variant.name}-${round}-${p}`;
          const pushed = await fanOut(workers, runId, n, 1, pid, () =>
            session.push(1, () => ({ path: `topics/${ALL_TOPIC}`, data: { run: runId } })),
          );
          if (p > 0) pushes.push(pushed); // the first one warms the path up
        }
        results.push({ variant: variant.name, round, installs, fetches, pushes });
      } finally {
        session.close();
        await Promise.all(workers.map((w) => w.request({ type: 'close', group: 'ab' })));
        await server.stop();
        ownPids.delete(pid);
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  return results;
}

function printTable(results: RoundResult[], before: string, after: string) {
  const n = options.recipients;
  const lines = [
    `Load average before: ${before}; after: ${after}. ${n.toLocaleString('en-US')} recipients, ${options.installs.toLocaleString('en-US')} installs per round.`,
    '',
    `| variant | round | installs/s | server CPU per install | server CPU per endpoint fetch | push to ${n.toLocaleString('en-US')}: p50 / p99 / last (ms), each push | server CPU per push (s) | others (cores, max) |`,
    '| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |',
  ];
  for (const r of results) {
    const pushes = r.pushes.map((p) => `${ms(p.p50)} / ${ms(p.p99)} / ${ms(p.last)}`).join('; ');
    const incomplete = r.pushes.some((p) => p.received !== p.expected) ? ' (incomplete!)' : '';
    lines.push(
      `| ${r.variant} | ${r.round + 1} | ${Math.round(options.installs / r.installs.seconds).toLocaleString('en-US')} | ${us(r.installs.brokerCpuSeconds, options.installs)} µs | ${us(r.fetches.brokerCpuSeconds, n)} µs | ${pushes}${incomplete} | ${r.pushes.map((p) => p.brokerCpuSeconds.toFixed(2)).join(', ')} | ${cores([r.installs, r.fetches, ...r.pushes].map((p) => p.otherCores))} |`,
    );
  }
  lines.push(
    '',
    '| variant | median push p99 | median push p50 | median server CPU per push | median CPU per install | median CPU per fetch |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  const first = options.variants[0].name;
  const summary = new Map<string, number>();
  for (const variant of options.variants) {
    const mine = results.filter((r) => r.variant === variant.name);
    const pushes = mine.flatMap((r) => r.pushes);
    const p99 = median(pushes.map((p) => p.p99));
    summary.set(variant.name, p99);
    const ratio = variant.name === first ? '' : ` (${(p99 / summary.get(first)!).toFixed(3)}x)`;
    lines.push(
      `| ${variant.name} | ${ms(p99)} ms${ratio} | ${ms(median(pushes.map((p) => p.p50)))} ms | ${median(pushes.map((p) => p.brokerCpuSeconds)).toFixed(3)} s | ${us(median(mine.map((r) => r.installs.brokerCpuSeconds)), options.installs)} µs | ${us(median(mine.map((r) => r.fetches.brokerCpuSeconds)), n)} µs |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
