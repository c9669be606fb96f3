/**
 * Output of the server benchmark: the table of metrics against the targets in docs/performance.md (plain text,
 * and Markdown with `--markdown`), the details behind each figure, and `--json`.
 */
import { writeFileSync } from 'node:fs';
import type { Options } from './options';

/** What a measured phase cost, and what else the machine was doing meanwhile. */
export interface Phase {
  seconds: number;
  /** CPU seconds of the broker under test (the Kii server or the bare aedes). */
  brokerCpuSeconds: number;
  /** Its CPU share over the phase (1 = one core). */
  brokerCpu: number;
  /** Cores used by processes outside this benchmark: other engineers' builds and tests. */
  otherCores: number;
  /** Cores' worth of time the hypervisor gave to other VMs (steal). */
  stealCores: number;
  /** Event-loop utilisation of the load generator (this process). */
  benchElu: number;
  perSecond?: number;
}

/** One fan-out as the subscribers saw it. */
export interface FanOut extends Phase {
  expected: number;
  received: number;
  p50: number;
  p99: number;
  last: number;
  /** Deliveries per second from the first send to the last delivery. */
  perSecond: number;
  /** Highest event-loop utilisation among the subscriber workers (1 = saturated). */
  workerElu: number;
}

export interface BenchResults {
  machine: {
    nproc: number;
    cpu: string;
    node: string;
    date: string;
    /** Where the server kept its SQLite database. */
    storage: string;
    loadBefore: string;
    loadAfter: string;
  };
  installRounds: Phase[];
  endpointRounds: Phase[];
  /** Bare node:http with a constant endpoint-sized answer: the machine's HTTP floor. */
  referenceRounds: Phase[];
  connectSeconds: { small: number; rest: number };
  server: {
    rssIdle: number;
    rssAll: number;
    smallPushes: FanOut[];
    allPushes: FanOut[];
    /** Bare aedes as usually wired, and with the server's one-frame framing (see raw-aedes.ts). */
    bursts: {
      server: FanOut[];
      rawOwnTopics: FanOut[];
      rawSharedTopic: FanOut[];
      oneFrameOwnTopics: FanOut[];
      oneFrameSharedTopic: FanOut[];
    };
  };
  raw?: { rssIdle: number; rssAll: number; allPushes: FanOut[] };
}

const medianBy = <T>(items: T[], key: (item: T) => number): T =>
  [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)];

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(1) : int(value));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const pct = (value: number) => `${Math.round(value * 100)}%`;
const cores = (value: number) => value.toFixed(2);
const pass = (ok: boolean) => (ok ? 'pass' : 'FAIL');

export function printReport(results: BenchResults, options: Options): void {
  const n = options.clients;
  const small = options.small;
  const { server } = results;
  const complete = (f: FanOut) => f.received === f.expected;
  const latency = (f: FanOut) =>
    `${ms(f.p50)} / ${ms(f.p99)} / ${ms(f.last)} ms` +
    (complete(f) ? '' : ` (${int(f.received)} of ${int(f.expected)} delivered)`);

  const installs = medianBy(results.installRounds, (p) => p.perSecond!);
  const fetches = medianBy(results.endpointRounds, (p) => p.perSecond!);
  const reference = medianBy(results.referenceRounds, (p) => p.perSecond!);
  const smallPush = medianBy(server.smallPushes, (f) => f.p99);
  const allPush = medianBy(server.allPushes, (f) => f.p99);
  const rate = (runs: FanOut[]) => medianBy(runs, (f) => f.perSecond);
  const serverRate = rate(server.bursts.server);
  const rawOwn = rate(server.bursts.rawOwnTopics);
  const rawShared = rate(server.bursts.rawSharedTopic);
  const rawBest = rawOwn.perSecond >= rawShared.perSecond ? rawOwn : rawShared;
  const ratio = serverRate.perSecond / rawBest.perSecond;
  const oneFrameOwn = rate(server.bursts.oneFrameOwnTopics);
  const oneFrameShared = rate(server.bursts.oneFrameSharedTopic);
  const oneFrameBest =
    oneFrameOwn.perSecond >= oneFrameShared.perSecond ? oneFrameOwn : oneFrameShared;
  const perConnection = (server.rssAll - server.rssIdle) / n;

  const rows: [string, string, string, string][] = [
    [
      'install requests/s',
      `${int(installs.perSecond!)}/s`,
      '>= 5,000/s',
      pass(installs.perSecond! >= 5000),
    ],
    [
      'endpoint fetches/s',
      `${int(fetches.perSecond!)}/s`,
      '>= 15,000/s',
      pass(fetches.perSecond! >= 15000),
    ],
    [
      'reference: bare node:http, constant endpoint JSON, same client',
      `${int(reference.perSecond!)}/s`,
      '-',
      '-',
    ],
    [
      'endpoint fetches / bare node:http',
      `${(fetches.perSecond! / reference.perSecond!).toFixed(2)}x`,
      '-',
      '-',
    ],
    [
      `one push to ${int(small)} WS subscribers: p50 / p99 / last`,
      latency(smallPush),
      '-',
      complete(smallPush) ? '-' : 'FAIL',
    ],
    [
      `one push to ${int(n)} WS subscribers: p50 / p99 / last`,
      latency(allPush),
      'p99 <= 500 ms',
      pass(complete(allPush) && allPush.p99 <= 500),
    ],
    [
      `WS deliveries/s, server (${options.burstPushes} pushes to ${int(small)})`,
      `${int(serverRate.perSecond)}/s`,
      '-',
      complete(serverRate) ? '-' : 'FAIL',
    ],
    ['WS deliveries/s, bare aedes (same fan-out)', `${int(rawBest.perSecond)}/s`, '-', '-'],
    ['delivery rate, server / bare aedes', `${ratio.toFixed(2)}x`, '>= 0.8x', pass(ratio >= 0.8)],
    [
      "delivery rate, server / bare aedes given the server's framing",
      `${(serverRate.perSecond / oneFrameBest.perSecond).toFixed(2)}x`,
      '-',
      '-',
    ],
    ['memory per WS connection', `${(perConnection / 1024).toFixed(1)} KB`, '-', '-'],
    [
      `server RSS with ${int(n)} WS connections`,
      mb(server.rssAll),
      '<= 400 MB',
      pass(server.rssAll <= 400 * 2 ** 20),
    ],
  ];

  const m = results.machine;
  const header: [string, string, string, string] = ['metric', 'measured', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [
    `${m.nproc} cores (${m.cpu}), Node ${m.node}, ${m.date}`,
    `load average ${m.loadBefore} before, ${m.loadAfter} after; server storage: ${m.storage}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'Medians: of the rounds (throughput), of the pushes by p99 (latency), of the bursts (rate).',
    ...(n === 10_000 ? [] : ['The targets (docs/performance.md) are set for 10,000 clients.']),
    '"others" = cores used meanwhile by processes outside this benchmark (background noise);',
    '"steal" = cores\' worth of time the hypervisor gave to other VMs meanwhile.',
    '',
    'Details',
  ];
  const noise = (p: Phase) => `others ${cores(p.otherCores)}, steal ${cores(p.stealCores)}`;
  const round = (p: Phase) =>
    `${int(p.perSecond!)}/s (server CPU ${pct(p.brokerCpu)}, ${noise(p)}, load generator ${pct(p.benchElu)})`;
  out.push(`  install rounds: ${results.installRounds.map(round).join('; ')}`);
  out.push(`  endpoint rounds: ${results.endpointRounds.map(round).join('; ')}`);
  out.push(
    `  reference rounds (bare node:http; "server CPU" is that process's): ${results.referenceRounds.map(round).join('; ')}`,
  );
  out.push(
    `  server RSS idle (data loaded, no connections) ${mb(server.rssIdle)}; connecting took ${results.connectSeconds.small.toFixed(1)} s + ${results.connectSeconds.rest.toFixed(1)} s`,
  );
  const fan = (f: FanOut) =>
    `p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, last ${ms(f.last)} ms; ${int(f.perSecond)} deliveries/s; ` +
    `broker CPU ${pct(f.brokerCpu)} (${f.brokerCpuSeconds.toFixed(2)} s), busiest subscriber worker ${pct(f.workerElu)}, ${noise(f)}` +
    (complete(f) ? '' : `; ${int(f.received)} of ${int(f.expected)} delivered`);
  server.smallPushes.forEach((f, i) =>
    out.push(`  push to ${int(small)}, run ${i + 1}: ${fan(f)}`),
  );
  server.allPushes.forEach((f, i) => out.push(`  push to ${int(n)}, run ${i + 1}: ${fan(f)}`));
  const burst = (f: FanOut) =>
    `${int(f.perSecond)}/s (broker ${f.brokerCpuSeconds.toFixed(2)} s, ${noise(f)})`;
  out.push(`  bursts, server: ${server.bursts.server.map(burst).join(', ')}`);
  out.push(
    `  bursts, bare aedes, each subscriber's own topic: ${server.bursts.rawOwnTopics.map(burst).join(', ')}`,
  );
  out.push(
    `  bursts, bare aedes, one shared topic: ${server.bursts.rawSharedTopic.map(burst).join(', ')}`,
  );
  out.push(
    `  bursts, bare aedes + one-frame framing, own topics: ${server.bursts.oneFrameOwnTopics.map(burst).join(', ')}`,
  );
  out.push(
    `  bursts, bare aedes + one-frame framing, shared topic: ${server.bursts.oneFrameSharedTopic.map(burst).join(', ')}`,
  );
  const variant = (best: FanOut, own: FanOut) =>
    best === own ? "each subscriber's own topic" : 'one shared topic';
  out.push(
    `  the ratios use the faster bare-aedes variant: ${variant(rawBest, rawOwn)}; with the server's framing, ${variant(oneFrameBest, oneFrameOwn)} (${int(oneFrameBest.perSecond)}/s)`,
  );
  if (results.raw) {
    const rawPer = (results.raw.rssAll - results.raw.rssIdle) / n;
    out.push(
      `  bare aedes, ${int(n)} subscribers on one topic: RSS ${mb(results.raw.rssAll)} (idle ${mb(results.raw.rssIdle)}, ${(rawPer / 1024).toFixed(1)} KB per connection)`,
    );
    results.raw.allPushes.forEach((f, i) =>
      out.push(`  bare aedes push to ${int(n)}, run ${i + 1}: ${fan(f)}`),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);

  if (options.markdown) {
    const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
    process.stdout.write(
      `\n${[md(header), md(header.map(() => '---')), ...rows.map(md)].join('\n')}\n`,
    );
  }
  if (options.json)
    writeFileSync(
      options.json,
      `${JSON.stringify({ ...results, options, table: rows }, null, 2)}\n`,
    );
}
