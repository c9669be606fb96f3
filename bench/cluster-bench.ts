/**
 * `npm run bench:cluster`: the local server's cluster mode (docs/scale-out.md) on one machine: 100,000
 * MQTT-over-WebSocket clients held across broker nodes, one push to all of them, memory per
 * connection, a broker node killed mid-run, and the same fan-out on one single process beside it.
 *
 *   node --import tsx bench/cluster-bench.ts [--connections 100000] [--nodes <2 or what the open-file limit needs>]
 *     [--single-connections <all that fit>] [--workers 4] [--addresses 8] [--window 100] [--repeats 3]
 *     [--sample 200] [--hop-messages 100000] [--concurrency 32] [--stop] [--markdown] [--json <file>]
 *
 * Quick run: `--connections 2000 --nodes 2` (under two minutes). The order: set-up (users
 * written into a SQLite file, installs and endpoints through REST on the single process); the
 * single process (no --cluster) with `--single-connections` clients and its pushes; then on the
 * same file the API node (--cluster) and the broker nodes (--broker-only) on a real Redis, the
 * same fan-out, all clients, their pushes, a SIGKILL to broker node 1 with every client of it
 * reconnecting to the other nodes, a push to all and a direct push per sampled client; with
 * `--stop`, broker node 2 stopped with SIGTERM (bench/cluster-stop.ts; one more broker node is
 * fitted so the survivors still hold everyone); last, the Redis hop alone (bench/redis-hop.ts). Everything runs as a child process, stopped by its PID.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientSpec, MissingClient, RecoveryReport } from './cluster-clients';
import { clusterMeasures } from './cluster-measure';
import { measureStop } from './cluster-stop';
import {
  raiseOpenFileLimit,
  runRedisHop,
  startApiNode,
  startBenchRedis,
  startBrokerNode,
  startClientWorker,
} from './cluster-processes';
import {
  fitToOpenFiles,
  parseClusterOptions,
  printClusterReport,
  type ClusterFanOut,
  type ClusterResults,
  type NodeMemory,
} from './cluster-report';
import { adminSession, ALL_TOPIC, seedUsers, type AdminSession } from './cluster-setup';
import { loadAverage, rssBytes, type ServerReady } from './processes';

const options = parseClusterOptions(process.argv.slice(2));
const openFiles = raiseOpenFileLimit();
const fitted = fitToOpenFiles(
  options,
  { nodes: process.argv.includes('--nodes') },
  openFiles.limit,
);
const log = (line: string) => process.stderr.write(`[bench:cluster] ${line}\n`);
const COMPARE_TOPIC = 'bench-compare';
const compareTopic = options.singleConnections < options.connections ? COMPARE_TOPIC : ALL_TOPIC;
/** Source addresses of the clients: each holds at most ~28,000 ephemeral ports. */
const addresses = Array.from({ length: options.addresses }, (_, i) => `127.0.0.${i + 2}`);

const machine: Record<string, string | number> = {
  nproc: Number(execFileSync('nproc').toString().trim()),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  date: new Date().toISOString(),
  loadBefore: loadAverage(),
  loadAfter: '',
  openFiles: openFiles.limit,
  note: openFiles.note ?? '',
  fitted: fitted.join('\n'),
};
log(`load average ${machine.loadBefore}; open-file limit ${openFiles.limit}`);
for (const note of [openFiles.note, ...fitted]) if (note) log(note);

const redis = await startBenchRedis();
const dataDir = mkdtempSync(join(tmpdir(), 'kpc-cluster-bench-'));
const workers = Array.from({ length: options.workers }, () => startClientWorker());
const { all, share, connect, fanOut } = clusterMeasures(workers, addresses, options.window);
const servers: { process: { pid?: number }; stop(): Promise<void> }[] = [];

let stopping: Promise<void> | undefined;
function shutdown() {
  stopping ??= (async () => {
    await Promise.race([
      Promise.all(workers.map((w) => w.request({ type: 'close' }))),
      sleep(30_000),
    ]);
    await Promise.all(workers.map((w) => w.stop()));
    // Broker nodes first, then the API node, then Redis: each still finds what it talks to.
    for (const server of servers.reverse()) await server.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return stopping;
}
process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));

try {
  const results = await run();
  machine.loadAfter = loadAverage();
  printClusterReport({ ...results, machine }, options);
} finally {
  await shutdown();
}

/**
 * Pushes over a session of its own: a keep-alive connection left idle through a connect phase
 * of minutes is closed by the server, and the lean client does not reconnect.
 */
async function withSession<T>(ready: ServerReady, use: (session: AdminSession) => Promise<T>) {
  const session = await adminSession(ready, options.concurrency);
  try {
    return await use(session);
  } finally {
    session.close();
  }
}

async function topicPushes(
  ready: ServerReady,
  label: string,
  topic: string,
  count: number,
  pids: Record<string, number[]>,
) {
  const runs: ClusterFanOut[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const run = `${label}-${r}`;
    runs.push(
      await withSession(ready, (session) =>
        fanOut(
          run,
          (k) => share(count, k),
          pids,
          () => session.push(1, () => ({ path: `topics/${topic}`, data: { run } })),
        ),
      ),
    );
    log(`${run}: last delivery ${runs.at(-1)!.last} ms, ${runs.at(-1)!.received} received`);
  }
  return runs;
}

async function settledRss(pid: number) {
  await sleep(2000);
  return rssBytes(pid);
}

async function run(): Promise<Omit<ClusterResults, 'machine'>> {
  const n = options.connections;
  const s = options.singleConnections;
  log(`writing ${n} users and their subscriptions into SQLite`);
  const topics = [{ id: ALL_TOPIC, count: n }];
  if (compareTopic !== ALL_TOPIC) topics.push({ id: COMPARE_TOPIC, count: s });
  const seeded = await seedUsers(dataDir, n, topics);
  const userIds = seeded.userIds;

  // 1. The single process (no --cluster): installs and endpoints, then its fan-out.
  const single = await startApiNode(dataDir);
  servers.push(single);
  let session = await adminSession(single.ready, options.concurrency);
  log(`installing ${n} MQTT installations through REST`);
  const installs = await session.install(userIds);
  const endpoints = await session.endpoints(installs.result, userIds);
  const specs: ClientSpec[] = endpoints.result;
  await all((k) => ({
    type: 'load',
    clients: specs.filter((c) => c.index % workers.length === k),
  }));
  const singleIdle = await settledRss(single.ready.pid);
  log(`connecting ${s} clients to the single process`);
  const singleWs = `ws://127.0.0.1:${single.ready.http}/mqtt`;
  const singleConnect = await connect([singleWs], s, { 'single process': [single.ready.pid] });
  const singleMemory: NodeMemory = {
    pid: single.ready.pid,
    connections: singleConnect.held,
    rssIdle: singleIdle,
    rssAll: await settledRss(single.ready.pid),
  };
  session.close();
  const singlePushes = await topicPushes(single.ready, 'single', compareTopic, s, {
    'single process': [single.ready.pid],
  });
  await all(() => ({ type: 'close' }));
  await single.stop();

  // 2. The cluster on the same SQLite file: API node, broker nodes, Redis.
  log(`starting the API node and ${options.nodes} broker nodes`);
  const api = await startApiNode(dataDir, redis.socketPath);
  servers.push(api);
  const brokers = await Promise.all(
    Array.from({ length: options.nodes }, () => startBrokerNode(redis.socketPath, api.ready.appId)),
  );
  servers.push(...brokers);
  const clusterPids = {
    'API node': [api.ready.pid],
    'broker nodes': brokers.map((b) => b.ready.pid),
    Redis: [redis.pid],
  };
  session = await adminSession(api.ready, options.concurrency);
  const refetch = await session.endpoints(installs.result, userIds);
  session.close();
  const changed = refetch.result.filter(
    (spec, i) => spec.username !== specs[i].username || spec.password !== specs[i].password,
  );
  if (changed.length > 0) {
    await all((k) => ({
      type: 'load',
      clients: refetch.result.filter((c) => c.index % workers.length === k),
    }));
  }
  const brokerIdle = await Promise.all(brokers.map((b) => settledRss(b.ready.pid)));
  const urls = brokers.map((b) => `ws://127.0.0.1:${b.ready.http}/mqtt`);
  log(`connecting ${s} clients across the broker nodes`);
  let clusterConnect = await connect(urls, s, clusterPids);
  const compare = await topicPushes(api.ready, 'cluster-compare', compareTopic, s, clusterPids);
  let connectSeconds = clusterConnect.seconds;
  const connectCpuSeconds = clusterConnect.cpu;
  if (s < n) {
    log(`connecting the other ${n - s} clients`);
    clusterConnect = await connect(urls, n, clusterPids);
    connectSeconds += clusterConnect.seconds;
    for (const [name, seconds] of Object.entries(clusterConnect.cpu))
      connectCpuSeconds[name] += seconds;
  }
  const brokerAll = await Promise.all(brokers.map((b) => settledRss(b.ready.pid)));
  const nodes: NodeMemory[] = brokers.map((b, i) => ({
    pid: b.ready.pid,
    connections: clusterConnect.perNode[i],
    rssIdle: brokerIdle[i],
    rssAll: brokerAll[i],
  }));
  const clusterPushes =
    compareTopic === ALL_TOPIC
      ? compare
      : await topicPushes(api.ready, 'cluster-all', ALL_TOPIC, n, clusterPids);

  // 3. Broker node 1 killed: its clients reconnect to the next node.
  await all(() => ({ type: 'reconnect', window: options.window }));
  const victim = brokers[0];
  log(`SIGKILL to broker node 1 (pid ${victim.ready.pid}, ${nodes[0].connections} clients)`);
  const killedAt = Date.now();
  process.kill(victim.ready.pid, 'SIGKILL');
  const recovery = await all<RecoveryReport>(() => ({
    type: 'recovery',
    node: 0,
    timeoutMs: 300_000,
  }));
  const survivors = {
    ...clusterPids,
    'broker nodes': clusterPids['broker nodes'].filter((pid) => pid !== victim.ready.pid),
  };
  const pushAfter = await withSession(api.ready, (session) =>
    fanOut(
      'after-kill',
      (k) => share(n, k),
      survivors,
      () => session.push(1, () => ({ path: `topics/${ALL_TOPIC}`, data: { run: 'after-kill' } })),
    ),
  );
  // A direct push per sampled client, its user ID in the payload: each must reach that one only.
  const sample = Array.from({ length: options.sample }, (_, j) =>
    Math.floor((j * n) / options.sample),
  );
  const direct = await withSession(api.ready, (session) =>
    fanOut(
      'direct',
      (k) => sample.filter((j) => j % workers.length === k).length,
      survivors,
      () =>
        session.push(sample.length, (i) => ({
          path: `users/${userIds[sample[i]]}`,
          data: { run: 'direct', to: userIds[sample[i]] },
        })),
    ),
  );
  const missing =
    direct.received < direct.expected
      ? (
          await all<{ missing: MissingClient[] }>(() => ({
            type: 'missing',
            run: 'direct',
            indices: sample,
          }))
        ).flatMap((r) => r.missing)
      : [];

  // 4. With --stop: broker node 2 stopped with SIGTERM (bench/cluster-stop.ts).
  const stop = options.stop
    ? await measureStop({
        measures: { all, share, connect, fanOut },
        victim: brokers[1],
        node: 1,
        down: [0],
        killedAt,
        clients: recovery.reduce((sum, r) => sum + r.perNode[1], 0),
        connections: n,
        sample: options.sample,
        installations: installs.result,
        groups: {
          ...survivors,
          'broker nodes': survivors['broker nodes'].filter((pid) => pid !== brokers[1].ready.pid),
        },
        withSession: (use) => withSession(api.ready, use),
        log,
      })
    : undefined;

  log(`the Redis hop alone: ${options.hopMessages} messages`);
  const hop = await runRedisHop<ClusterResults['hop']>(redis.socketPath, options.hopMessages);

  const lost = recovery.reduce((sum, r) => sum + r.lost, 0);
  return {
    setup: {
      seedSeconds: seeded.seconds,
      installSeconds: installs.seconds,
      installsPerSecond: installs.perSecond,
      endpointSeconds: endpoints.seconds,
      endpointsPerSecond: endpoints.perSecond,
      refetchPerSecond: refetch.perSecond,
      credentialsChanged: changed.length,
    },
    single: {
      attempted: s,
      held: singleConnect.held,
      failures: singleConnect.failures,
      connectSeconds: singleConnect.seconds,
      connectCpuSeconds: singleConnect.cpu,
      memory: singleMemory,
      pushes: singlePushes,
    },
    cluster: {
      held: clusterConnect.held,
      failures: clusterConnect.failures,
      connectSeconds,
      connectCpuSeconds,
      nodes,
      compare,
      pushes: clusterPushes,
    },
    kill: {
      pid: victim.ready.pid,
      lost,
      back: recovery.reduce((sum, r) => sum + r.back, 0),
      detectMs:
        Math.min(...recovery.filter((r) => r.lost > 0).map((r) => r.firstLostAt)) - killedAt,
      reconnectMs: Math.max(...recovery.map((r) => r.lastBackAt)) - killedAt,
      attempts: recovery.reduce((sum, r) => sum + r.attempts, 0),
      failures: recovery.flatMap((r) => r.failures).slice(0, 5),
      perNode: urls.map((_, i) => recovery.reduce((sum, r) => sum + r.perNode[i], 0)),
      pushAfter,
      direct,
      directMissing: missing,
    },
    stop,
    hop,
  };
}
