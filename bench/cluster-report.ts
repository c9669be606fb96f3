/**
 * Options and output of the cluster benchmark (bench/cluster-bench.ts): the table (plain text,
 * and Markdown with `--markdown`), the details behind each figure, and `--json`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { positiveInteger } from './options';

export interface ClusterOptions {
  connections: number;
  nodes: number;
  /** Connections the single process is given for the side-by-side fan-out (0: all that fit). */
  singleConnections: number;
  workers: number;
  addresses: number;
  /** Connection attempts in flight per worker. */
  window: number;
  repeats: number;
  /** Clients that get a direct push each after the node kill (per-recipient marker). */
  sample: number;
  hopMessages: number;
  concurrency: number;
  /** After the kill, broker node 2 stopped with SIGTERM (one more node is fitted for it). */
  stop: boolean;
  markdown: boolean;
  json?: string;
}

export function parseClusterOptions(argv: string[]): ClusterOptions {
  const options: ClusterOptions = {
    connections: 100_000,
    // 0: chosen by fitToOpenFiles (2, or more when the open-file limit needs it).
    nodes: 0,
    singleConnections: 0,
    workers: 4,
    addresses: 8,
    window: 100,
    repeats: 3,
    sample: 200,
    hopMessages: 100_000,
    concurrency: 32,
    stop: false,
    markdown: false,
  };
  const numbers: Record<string, keyof ClusterOptions> = {
    connections: 'connections',
    nodes: 'nodes',
    'single-connections': 'singleConnections',
    workers: 'workers',
    addresses: 'addresses',
    window: 'window',
    repeats: 'repeats',
    sample: 'sample',
    'hop-messages': 'hopMessages',
    concurrency: 'concurrency',
  };
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(numbers).map((name) => [name, { type: 'string' }])),
      markdown: { type: 'boolean' },
      stop: { type: 'boolean' },
      json: { type: 'string' },
    },
    strict: true,
  });
  for (const [name, key] of Object.entries(numbers)) {
    const raw = (values as Record<string, unknown>)[name];
    if (typeof raw === 'string')
      (options as unknown as Record<string, number>)[key] = positiveInteger(`--${name}`, raw);
  }
  options.markdown = values.markdown === true;
  options.stop = values.stop === true;
  if (typeof values.json === 'string') options.json = values.json;
  if (options.addresses > 8) throw new Error('--addresses: at most 8 (127.0.0.2 .. 127.0.0.9)');
  if (options.nodes === 1) throw new Error('--nodes: at least 2 (one of them is killed)');
  if (options.stop && options.nodes === 2)
    throw new Error('--nodes: at least 3 with --stop (one is killed, one stopped)');
  options.sample = Math.min(options.sample, options.connections);
  return options;
}

/** Sockets one process may hold under an open-file limit (the rest: listeners, Redis, SQLite). */
export const socketsUnder = (openFileLimit: number) => openFileLimit - 500;

/**
 * Fits the run to the open-file limit every process inherits: each broker node must hold its
 * share after a node is killed (connections / (nodes - 1)), each client worker its share, and
 * the single process its clients. Unset `--nodes` and `--single-connections` are chosen so;
 * explicit ones that cannot fit stop the run. Returns what was decided, for the output.
 */
export function fitToOpenFiles(
  options: ClusterOptions,
  explicit: { nodes: boolean },
  openFileLimit: number,
): string[] {
  const sockets = socketsUnder(openFileLimit);
  const n = options.connections;
  const notes: string[] = [];
  // Survivors of the kill (and of the stop, with --stop) hold everything.
  const gone = options.stop ? 2 : 1;
  const nodesNeeded = Math.max(gone + 1, Math.ceil(n / sockets) + gone);
  if (!explicit.nodes) {
    options.nodes = nodesNeeded;
    if (options.nodes > gone + 1)
      notes.push(
        `${options.nodes} broker nodes: the open-file limit ${openFileLimit} lets one hold about ${sockets} sockets, and after a kill${options.stop ? ' and a stop' : ''} each holds connections / (nodes - ${gone})`,
      );
  } else if (options.nodes < nodesNeeded) {
    throw new Error(
      `--nodes ${options.nodes}: under the open-file limit ${openFileLimit} a node holds about ${sockets} sockets; ${n} connections need ${nodesNeeded} nodes to survive a kill${options.stop ? ' and a stop' : ''}`,
    );
  }
  const workersNeeded = Math.ceil(n / sockets);
  if (options.workers < workersNeeded) {
    notes.push(
      `${workersNeeded} client workers (not ${options.workers}): one holds about ${sockets} sockets`,
    );
    options.workers = workersNeeded;
  }
  const single = Math.min(options.singleConnections || n, n, sockets);
  if (single < (options.singleConnections || n))
    notes.push(
      `the single process gets ${single} connections, the most its open-file limit ${openFileLimit} allows; the side-by-side fan-out is at that count`,
    );
  options.singleConnections = single;
  return notes;
}

/** One fan-out as the clients saw it, and what it cost the server processes. */
export interface ClusterFanOut {
  expected: number;
  received: number;
  wrong: number;
  p50: number;
  p99: number;
  last: number;
  seconds: number;
  /** CPU seconds of the server processes (API node or single process, brokers, Redis). */
  serverCpuSeconds: number;
  /** The same by process group (API node, broker nodes, Redis; or the single process). */
  cpuByGroup: Record<string, number>;
  otherCores: number;
  workerElu: number;
}

export interface NodeMemory {
  pid: number;
  connections: number;
  rssIdle: number;
  rssAll: number;
}

export interface HopFigures {
  messages: number;
  wallMs: number;
  usPerMessage: number;
  processCpuUsPerMessage: number;
  redisCpuUsPerMessage: number;
}

export interface ClusterResults {
  machine: Record<string, string | number>;
  setup: {
    seedSeconds: number;
    installSeconds: number;
    installsPerSecond: number;
    endpointSeconds: number;
    endpointsPerSecond: number;
    refetchPerSecond: number;
    credentialsChanged: number;
  };
  single: {
    attempted: number;
    held: number;
    failures: string[];
    connectSeconds: number;
    /** CPU seconds over the connect phase, by process group. */
    connectCpuSeconds: Record<string, number>;
    memory: NodeMemory;
    pushes: ClusterFanOut[];
  };
  cluster: {
    held: number;
    failures: string[];
    connectSeconds: number;
    connectCpuSeconds: Record<string, number>;
    nodes: NodeMemory[];
    compare: ClusterFanOut[];
    pushes: ClusterFanOut[];
  };
  kill: NodeLoss & {
    direct: ClusterFanOut;
    /** Sampled clients the direct push did not reach: index, node now, node lost (if moved). */
    directMissing: { index: number; node: number; lostFrom?: number; up: boolean }[];
  };
  /** With --stop: SIGTERM to broker node 2 after the kill. */
  stop?: StopFigures;
  hop: { inProcess: HopFigures; throughRedis: HopFigures };
}

/** A broker node gone (killed or stopped): its clients lost and back elsewhere, then a push. */
export interface NodeLoss {
  pid: number;
  lost: number;
  back: number;
  /** From the signal to the first lost connection, and to the last one subscribed again. */
  detectMs: number;
  reconnectMs: number;
  attempts: number;
  failures: string[];
  perNode: number[];
  pushAfter: ClusterFanOut;
}

/** A broker node stopped (SIGTERM) as a supervisor or a rolling deploy does. */
export interface StopFigures extends NodeLoss {
  /** Its clients when the signal went. */
  clients: number;
  exitMs: number;
  exitCode: number | null;
  exitSignal: string | null;
  closeCodes: Record<string, number>;
  /** Of the moved clients' histories (up to --sample), how the connection on the node ended. */
  historyChecked: number;
  historyEnds: Record<string, number>;
}

const medianBy = <T>(items: T[], key: (item: T) => number): T =>
  [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)];
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(1) : int(value));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const latency = (f: ClusterFanOut) =>
  `${ms(f.p50)} / ${ms(f.p99)} / ${ms(f.last)} ms` +
  (f.received === f.expected ? '' : ` (${int(f.received)} of ${int(f.expected)} delivered)`);
const delivered = (f: ClusterFanOut) =>
  `${int(f.received)} of ${int(f.expected)}, ${int(f.wrong)} to a wrong client`;
const complete = (f: ClusterFanOut) => f.received === f.expected && f.wrong === 0;

/** How many of the clients are on each node now (nodes numbered from 1). */
function byNode(clients: { node: number }[]): string {
  const counts = new Map<number, number>();
  for (const { node } of clients) counts.set(node, (counts.get(node) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([node, count]) => `node ${node + 1}: ${count}`)
    .join(', ');
}

/** CPU seconds by process group, and per 1,000 connections. */
const cpuSplit = (cpu: Record<string, number>, connections: number) =>
  Object.entries(cpu)
    .map(
      ([name, seconds]) =>
        `${name} ${seconds.toFixed(1)} s (${((seconds * 1000) / Math.max(1, connections)).toFixed(2)} s per 1,000)`,
    )
    .join(', ');

export function printClusterReport(results: ClusterResults, options: ClusterOptions): void {
  const { single, cluster, kill, stop, hop, setup } = results;
  const n = options.connections;
  const s = options.singleConnections;
  const singlePush = medianBy(single.pushes, (f) => f.last);
  const comparePush = medianBy(cluster.compare, (f) => f.last);
  const allPush = medianBy(cluster.pushes, (f) => f.last);
  const perNodeKb = cluster.nodes
    .map((node) => kb((node.rssAll - node.rssIdle) / Math.max(1, node.connections)))
    .join(', ');
  const hopWallUs = ((comparePush.last - singlePush.last) * 1000) / s;
  const hopCpuUs =
    ((comparePush.serverCpuSeconds - singlePush.serverCpuSeconds) * 1e6) / Math.max(1, s);

  const rows: [string, string][] = [
    [
      `WS connections held across ${options.nodes} broker nodes`,
      `${int(cluster.held)} of ${int(n)}`,
    ],
    [`one push to ${int(n)} (cluster): p50 / p99 / last delivery`, latency(allPush)],
    ['memory per WS connection, per broker node', perNodeKb],
    [
      `one push to ${int(s)}, single process: p50 / p99 / last`,
      latency(singlePush) + (single.held < s ? ` (${int(single.held)} held)` : ''),
    ],
    [`one push to ${int(s)}, cluster of ${options.nodes}: p50 / p99 / last`, latency(comparePush)],
    [
      'time to last delivery, single process / cluster (> 1: cluster faster)',
      `${(singlePush.last / comparePush.last).toFixed(2)}x`,
    ],
    [
      'cluster cost per delivery: time to last delivery, cluster minus single, / deliveries',
      `${hopWallUs.toFixed(1)} µs`,
    ],
    [
      'cluster cost per delivery: server CPU (with Redis), cluster minus single, / deliveries',
      `${hopCpuUs.toFixed(1)} µs`,
    ],
    [
      'one Redis hop (mqemitter-redis, 2 emitters): CPU / message',
      `${(hop.throughRedis.processCpuUsPerMessage + hop.throughRedis.redisCpuUsPerMessage).toFixed(1)} µs vs ${hop.inProcess.processCpuUsPerMessage.toFixed(1)} µs in-process`,
    ],
    [
      `node kill: reconnect (kill -> all ${int(kill.lost)} subscribed again)`,
      `${int(kill.reconnectMs)} ms${kill.back < kill.lost ? ` (${int(kill.back)} back)` : ''}`,
    ],
    [`push to all ${int(n)} after the kill`, delivered(kill.pushAfter)],
    [
      `direct push to ${int(options.sample)} sampled clients after the kill`,
      delivered(kill.direct),
    ],
    ...(stop ? stopRows(stop, n) : []),
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i].length), 8));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const m = results.machine;
  const out = [
    `${m.nproc} cores (${m.cpu}), Node ${m.node}, ${m.date}; load average ${m.loadBefore} before, ${m.loadAfter} after`,
    `open-file limit ${m.openFiles}${m.note ? `: ${m.note}` : ''}`,
    ...String(m.fitted || '')
      .split('\n')
      .filter(Boolean)
      .map((note) => `  ${note}`),
    `clients: ${options.workers} worker processes, lean MQTT 3.1.1 over ws, from ${options.addresses} source addresses 127.0.0.2..; broker nodes 127.0.0.1`,
    '',
    line(['metric', 'measured']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'Medians of the pushes by time to last delivery. The cluster sends one Redis message per push per node',
    "(docs/scale-out.md), so a delivery's share of the Redis hop is that message's cost / the node's recipients;",
    'the hop row is what routing every delivery through Redis (aedes-style) would cost per delivery.',
    'Set-up (untimed):',
    `  users and topic subscriptions written into the API node's SQLite file through the server's repositories (one shared password hash): ${setup.seedSeconds.toFixed(1)} s`,
    `  installs through REST: ${setup.installSeconds.toFixed(1)} s (${int(setup.installsPerSecond)}/s); endpoint fetches: ${setup.endpointSeconds.toFixed(1)} s (${int(setup.endpointsPerSecond)}/s); again on the cluster's API node ${int(setup.refetchPerSecond)}/s, ${int(setup.credentialsChanged)} credentials changed`,
    'Details',
    `  single process: ${int(single.held)} of ${int(single.attempted)} connected in ${single.connectSeconds.toFixed(1)} s; RSS ${mb(single.memory.rssIdle)} idle, ${mb(single.memory.rssAll)} connected (${kb((single.memory.rssAll - single.memory.rssIdle) / Math.max(1, single.held))} per connection)`,
    `    connect CPU: ${cpuSplit(single.connectCpuSeconds, single.held)}`,
    ...(single.failures.length ? [`  single process failures: ${single.failures.join('; ')}`] : []),
    `  cluster: ${int(cluster.held)} connected in ${cluster.connectSeconds.toFixed(1)} s (${int(cluster.held / cluster.connectSeconds)}/s)`,
    `    connect CPU: ${cpuSplit(cluster.connectCpuSeconds, cluster.held)}`,
    ...(cluster.failures.length ? [`  cluster failures: ${cluster.failures.join('; ')}`] : []),
    ...cluster.nodes.map(
      (node, i) =>
        `  broker node ${i + 1} (pid ${node.pid}): ${int(node.connections)} connections, RSS ${mb(node.rssIdle)} idle, ${mb(node.rssAll)} connected`,
    ),
  ];
  const fan = (f: ClusterFanOut) =>
    `p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, last ${ms(f.last)} ms; ${delivered(f)}; server CPU ${f.serverCpuSeconds.toFixed(2)} s (${Object.entries(
      f.cpuByGroup,
    )
      .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
      .join(
        ', ',
      )}), others ${f.otherCores.toFixed(2)} cores, busiest client worker ${Math.round(f.workerElu * 100)}%`;
  single.pushes.forEach((f, i) => out.push(`  single, push ${i + 1}: ${fan(f)}`));
  cluster.compare.forEach((f, i) => out.push(`  cluster at ${int(s)}, push ${i + 1}: ${fan(f)}`));
  if (cluster.pushes !== cluster.compare)
    cluster.pushes.forEach((f, i) => out.push(`  cluster at ${int(n)}, push ${i + 1}: ${fan(f)}`));
  out.push(
    `  kill: SIGKILL to broker node pid ${kill.pid}; first loss noticed after ${int(kill.detectMs)} ms; ${int(kill.back)} of ${int(kill.lost)} back after ${int(kill.reconnectMs)} ms, ${int(kill.attempts)} attempts; clients per node now ${kill.perNode.map(int).join(' / ')}`,
    ...(kill.failures.length
      ? [`  reconnect failures seen (then retried): ${kill.failures.join('; ')}`]
      : []),
    `  push after the kill: ${fan(kill.pushAfter)}`,
    `  direct pushes after the kill: ${fan(kill.direct)}`,
    ...(kill.directMissing.length
      ? [
          `  not reached by their direct push: ${kill.directMissing.length}, of them ${kill.directMissing.filter((m) => m.lostFrom !== undefined).length} moved by the kill, ${kill.directMissing.filter((m) => !m.up).length} not connected; by node now: ${byNode(kill.directMissing)}; first: ${kill.directMissing
            .slice(0, 10)
            .map((m) => `#${m.index}`)
            .join(' ')}`,
        ]
      : []),
    ...(stop ? stopDetails(stop, fan) : []),
    `  Redis hop alone, ${int(hop.throughRedis.messages)} messages: ${ms(hop.throughRedis.wallMs)} ms through Redis (process ${hop.throughRedis.processCpuUsPerMessage.toFixed(1)} µs + redis-server ${hop.throughRedis.redisCpuUsPerMessage.toFixed(1)} µs CPU per message), ${ms(hop.inProcess.wallMs)} ms in-process`,
  );
  const ok =
    cluster.held === n &&
    complete(allPush) &&
    complete(kill.pushAfter) &&
    complete(kill.direct) &&
    (!stop || (stop.back === stop.lost && stop.lost === stop.clients && complete(stop.pushAfter)));
  out.push('', ok ? 'all deliveries complete, none to a wrong client' : 'INCOMPLETE: see above');
  process.stdout.write(`${out.join('\n')}\n`);
  if (options.markdown) {
    const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
    process.stdout.write(
      `\n${[md(['metric', 'measured']), md(['---', '---']), ...rows.map(md)].join('\n')}\n`,
    );
  }
  if (options.json)
    writeFileSync(
      options.json,
      `${JSON.stringify({ ...results, options, table: rows }, null, 2)}\n`,
    );
  if (!ok) process.exitCode = 1;
}

const tally = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([what, count]) => `${what} ${int(count)}`)
    .join(', ') || 'none';

function stopRows(stop: StopFigures, n: number): [string, string][] {
  const exit = stop.exitCode !== null ? `exit code ${stop.exitCode}` : `signal ${stop.exitSignal}`;
  return [
    [
      `node stop (SIGTERM, ${int(stop.clients)} clients): SIGTERM -> process exit`,
      `${int(stop.exitMs)} ms, ${exit}`,
    ],
    [
      `node stop: SIGTERM -> all ${int(stop.lost)} subscribed again elsewhere`,
      `${int(stop.reconnectMs)} ms${stop.back < stop.lost ? ` (${int(stop.back)} back)` : ''}`,
    ],
    ['node stop: how its clients saw the close (WebSocket close code)', tally(stop.closeCodes)],
    [
      `node stop: history of ${int(stop.historyChecked)} moved clients, how the connection ended`,
      tally(stop.historyEnds),
    ],
    [`push to all ${int(n)} after the stop`, delivered(stop.pushAfter)],
  ];
}

function stopDetails(stop: StopFigures, fan: (f: ClusterFanOut) => string): string[] {
  return [
    `  stop: SIGTERM to broker node pid ${stop.pid} holding ${int(stop.clients)} clients; exited after ${int(stop.exitMs)} ms (${stop.exitCode !== null ? `code ${stop.exitCode}` : `signal ${stop.exitSignal}`}); first loss noticed after ${int(stop.detectMs)} ms; ${int(stop.back)} of ${int(stop.lost)} back after ${int(stop.reconnectMs)} ms, ${int(stop.attempts)} attempts; clients per node now ${stop.perNode.map(int).join(' / ')}`,
    ...(stop.failures.length
      ? [`  reconnect failures after the stop (then retried): ${stop.failures.join('; ')}`]
      : []),
    `  push after the stop: ${fan(stop.pushAfter)}`,
  ];
}
