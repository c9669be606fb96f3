/**
 * `npm run bench:server`: throughput, push latency and memory of the local Kii server
 * (docs/performance.md), against the targets for a 2-core machine, with a bare aedes broker
 * measured in the same run as the baseline of the delivery rate.
 *
 *   node --import tsx bench/server-bench.ts [--clients 10000] [--small 1000] [--workers 2]
 *     [--rounds 4] [--repeats 3] [--bursts 5] [--burst-pushes 10] [--concurrency 64]
 *     [--warmup 1000] [--no-raw-10k] [--markdown] [--json <file>] [--cpu-prof <dir>]
 *     [--server-root <checkout>] [--storage memory|file] [--server-arg <flag>]...
 *
 * The server runs as its own child process (`server/main.ts --in-memory` on free 127.0.0.1
 * ports; with `--storage file` a SQLite file in a temporary directory, removed afterwards), the
 * baseline as another (bench/raw-aedes.ts), and the MQTT.js WebSocket subscribers in `--workers`
 * processes (bench/subscribers.ts), so that no two of them share an event loop.
 * Prints a table and details; writes nothing unless `--json` (or `--cpu-prof`) asks for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeanHttpClient, type LeanResponse } from './http-load';
import { connectClients, fanOut, ownPids, phaseMeter, settledRss } from './measure';
import {
  loadAverage,
  startKiiServer,
  startRawAedes,
  startSubscriberWorker,
  type ServerReady,
} from './processes';
import { parseOptions } from './options';
import { printReport, type BenchResults, type FanOut, type Phase } from './report';
import type { SubscriberSpec } from './subscribers';

const options = parseOptions(process.argv.slice(2));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Builds Kii API requests (`/api` + path) with the app headers the SDK sends. */
function kiiRequests(ready: ServerReady) {
  return (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    init: { token?: string; body?: unknown; type?: string } = {},
  ) => {
    const headers: Record<string, string> = {
      'x-kii-appid': ready.appId,
      'x-kii-appkey': ready.appKey,
    };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
    return lean.build(
      method,
      `/api${path}`,
      headers,
      init.body === undefined ? undefined : JSON.stringify(init.body),
    );
  };
}

/** The JSON body of a response with the expected status; anything else stops the run. */
function leanJson(response: LeanResponse, status: number, what: string) {
  if (response.status !== status)
    throw new Error(`${what}: HTTP ${response.status} ${response.body}`);
  return response.body ? JSON.parse(response.body) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The run

const machine = {
  nproc: Number(execFileSync('nproc').toString().trim()),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  date: new Date().toISOString(),
  storage:
    options.storage === 'file' ? 'SQLite file (WAL) in a temporary directory' : 'SQLite in memory',
  loadBefore: loadAverage(),
  loadAfter: '',
};
log(
  `${machine.nproc} cores (${machine.cpu}), Node ${machine.node}, load average ${machine.loadBefore}; server storage: ${machine.storage}`,
);

const dataDir = options.storage === 'file' ? mkdtempSync(join(tmpdir(), 'kpc-bench-')) : undefined;
const server = await startKiiServer(
  options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProf] : [],
  options.serverRoot,
  dataDir,
  options.serverArgs,
);
const raw = await startRawAedes();
const workers = Array.from({ length: options.workers }, () => startSubscriberWorker());
for (const pid of [server.ready.pid, raw.ready.pid, ...workers.map((w) => w.process.pid!)])
  ownPids.add(pid);
const lean = await LeanHttpClient.open('127.0.0.1', server.ready.http, options.concurrency);

async function shutdown() {
  lean.close();
  await Promise.all(workers.map((w) => w.stop()));
  await server.stop();
  await raw.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));

try {
  const results = await run(server.ready);
  machine.loadAfter = loadAverage();
  printReport({ ...results, machine }, options);
} finally {
  await shutdown();
}

async function run(ready: ServerReady): Promise<Omit<BenchResults, 'machine'>> {
  const pid = ready.pid;
  const request = kiiRequests(ready);
  const app = ready.appId;
  const n = options.clients;
  const small = options.small;
  const wsUrl = `ws://127.0.0.1:${ready.http}/mqtt`;

  const tokenRequest = request('POST', '/oauth2/token', {
    body: { client_id: ready.clientId, client_secret: ready.clientSecret },
  });
  const [admin] = await lean.run(
    1,
    () => tokenRequest,
    (response) => leanJson(response, 200, 'admin token').access_token as string,
  );

  // Setup, not timed: users (warm-up ones first), topics and subscriptions.
  log(`registering ${options.warmup + n} users, subscribing them`);
  const users = await lean.run(
    options.warmup + n,
    (i) =>
      request('POST', `/apps/${app}/users`, {
        body: { loginName: `bench${i}`, password: 'bench-password' },
        type: 'application/vnd.kii.RegistrationRequest+json',
      }),
    (response) => leanJson(response, 201, 'register user').userID as string,
  );
  const warmUsers = users.slice(0, options.warmup);
  const benchUsers = users.slice(options.warmup);
  for (const topic of ['bench-small', 'bench-all']) {
    await lean.run(
      1,
      () => request('PUT', `/apps/${app}/topics/${topic}`, { token: admin }),
      (response) => leanJson(response, 204, `create ${topic}`),
    );
  }
  const subscribe = (topic: string, count: number) =>
    lean.run(
      count,
      (i) =>
        request('PUT', `/apps/${app}/topics/${topic}/push/subscriptions/users/${benchUsers[i]}`, {
          token: admin,
        }),
      (response) => leanJson(response, 204, 'subscribe'),
    );
  await subscribe('bench-small', small);
  await subscribe('bench-all', n);

  // 1. Installs with the admin token naming the owner: a warm-up on other users, then rounds.
  const headers = {
    'x-kii-appid': ready.appId,
    'x-kii-appkey': ready.appKey,
    authorization: `Bearer ${admin}`,
  };
  const installRequest = (user: string) =>
    lean.build(
      'POST',
      `/api/apps/${app}/installations`,
      { ...headers, 'content-type': 'application/vnd.kii.InstallationCreationRequest+json' },
      JSON.stringify({ deviceType: 'MQTT', userID: user }),
    );
  const installed = (response: LeanResponse) =>
    leanJson(response, 201, 'install').installationID as string;
  // Warm-up (the JIT needs thousands of requests): fresh installs of the warm-up users, then
  // repeats of them, which take the same path minus the two inserts and answer 200.
  log(
    `installs: ${options.warmup} + ${5 * options.warmup} repeated warm-up, ${n} timed in ${options.rounds} rounds, ${options.concurrency} connections`,
  );
  const warmRequests = warmUsers.map(installRequest);
  const warmInstallations = await lean.run(warmRequests.length, (i) => warmRequests[i], installed);
  await lean.run(
    5 * warmRequests.length,
    (i) => warmRequests[i % warmRequests.length],
    (response) => leanJson(response, 200, 'repeat install'),
  );
  const installations: string[] = [];
  const installRounds: Phase[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const requests = benchUsers
      .slice(Math.floor((r * n) / options.rounds), Math.floor(((r + 1) * n) / options.rounds))
      .map(installRequest);
    const meter = phaseMeter(pid);
    installations.push(...(await lean.run(requests.length, (i) => requests[i], installed)));
    const phase = meter();
    installRounds.push({ ...phase, perSecond: requests.length / phase.seconds });
  }

  // 2. Endpoint fetches: a warm-up, then rounds each fetching every installation's endpoint.
  const endpointRequest = (installation: string) =>
    lean.build('GET', `/api/apps/${app}/installations/${installation}/mqtt-endpoint`, headers);
  const endpointJson = (response: LeanResponse) =>
    leanJson(response, 200, 'endpoint') as {
      username: string;
      password: string;
      mqttTopic: string;
    };
  log(`endpoint fetches: ${10 * options.warmup} warm-up, ${options.rounds} rounds of ${n}`);
  const warmFetches = warmInstallations.map(endpointRequest);
  await lean.run(10 * warmFetches.length, (i) => warmFetches[i % warmFetches.length], endpointJson);
  const fetches = installations.map(endpointRequest);
  const endpointRounds: Phase[] = [];
  let endpoints: { username: string; password: string; mqttTopic: string }[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const meter = phaseMeter(pid);
    endpoints = await lean.run(n, (i) => fetches[i], endpointJson);
    const phase = meter();
    endpointRounds.push({ ...phase, perSecond: n / phase.seconds });
  }
  // 3. The machine's HTTP floor right now: bare node:http answering a constant endpoint-sized
  // JSON (in the bare-aedes process), same client, same connections, same request count. The
  // VM's speed drifts by tens of percent between runs with no other load visible; this row
  // tells a slow machine from a slow server.
  const reference = await LeanHttpClient.open('127.0.0.1', raw.ready.http, options.concurrency);
  const referenceRequest = reference.build('GET', '/endpoint-reference', headers);
  const referenceOk = (response: LeanResponse) => leanJson(response, 200, 'reference');
  await reference.run(10 * options.warmup, () => referenceRequest, referenceOk);
  const referenceRounds: Phase[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const meter = phaseMeter(raw.ready.pid);
    await reference.run(n, () => referenceRequest, referenceOk);
    const phase = meter();
    referenceRounds.push({ ...phase, perSecond: n / phase.seconds });
  }
  reference.close();

  const kiiClient = (j: number): SubscriberSpec => ({
    clientId: endpoints[j].mqttTopic,
    username: endpoints[j].username,
    password: endpoints[j].password,
    topics: [endpoints[j].mqttTopic],
  });

  const rssIdle = await settledRss(pid);

  // 3a. One push to `small` subscribers. Each request is built (and stamped) just before it goes.
  let seq = 0;
  const push =
    (topic: string, run: string, pushes = 1) =>
    () =>
      lean.run(
        pushes,
        () =>
          request('POST', `/apps/${app}/topics/${topic}/push/messages`, {
            token: admin,
            body: { data: { run, seq: seq++, sentAt: Date.now() } },
            type: 'application/vnd.kii.SendPushMessageRequest+json',
          }),
        (response) => leanJson(response, 201, 'push'),
      );
  log(`connecting ${small} WebSocket subscribers`);
  const connectSmallSeconds = await connectClients(workers, 'kii', wsUrl, 0, small, kiiClient);
  const smallPushes: FanOut[] = [];
  for (let r = 0; r < options.repeats; r++) {
    smallPushes.push(
      await fanOut(workers, `small-${r}`, small, 1, pid, push('bench-small', `small-${r}`)),
    );
  }

  // 4. Delivery rate: bursts of pushes to `small` subscribers, alternating with the same fan-out
  // published into the bare aedes, once to each subscriber's own topic (as the server does)
  // and once to one topic all of them share (aedes' own one-to-many).
  log(
    `delivery-rate bursts: ${options.bursts} x ${options.burstPushes} pushes to ${small}, server and bare aedes alternating`,
  );
  const rawUrl = `ws://127.0.0.1:${raw.ready.http}/mqtt`;
  const rawTopic = (j: number) => `r${String(j).padStart(22, '0')}`;
  await connectClients(workers, 'raw', rawUrl, 0, small, (j) => ({
    clientId: `c${rawTopic(j)}`,
    topics: [rawTopic(j), 'bench-shared'],
  }));
  const oneFrameTopic = (j: number) => `f${String(j).padStart(22, '0')}`;
  await connectClients(workers, 'raw', `${rawUrl}-one-frame`, 0, small, (j) => ({
    clientId: `c${oneFrameTopic(j)}`,
    topics: [oneFrameTopic(j), 'bench-one-frame'],
  }));
  const rawTopics = Array.from({ length: small }, (_, j) => rawTopic(j));
  const oneFrameTopics = Array.from({ length: small }, (_, j) => oneFrameTopic(j));
  // The server's payload carries Kii's system keys; the raw one gets the same keys.
  const extra = (topic: string) => ({
    senderURI: 'kiicloud://admins/APP_ADMIN',
    when: Date.now(),
    sourceURI: `kiicloud://topics/${topic}`,
    topic,
    objectScopeAppID: app,
    objectScopeType: 'APP',
  });
  const bursts: BenchResults['server']['bursts'] = {
    server: [],
    rawOwnTopics: [],
    rawSharedTopic: [],
    oneFrameOwnTopics: [],
    oneFrameSharedTopic: [],
  };
  const k = options.burstPushes;
  const rawBurst = (run: string, topics: string[]) =>
    fanOut(workers, run, small, k, raw.ready.pid, () =>
      raw.request({ type: 'publish', run, topics, pushes: k, extra: extra('bench-small') }),
    );
  for (let r = 0; r < options.bursts; r++) {
    const serverRun = `burst-${r}`;
    bursts.server.push(
      await fanOut(workers, serverRun, small, k, pid, push('bench-small', serverRun, k)),
    );
    bursts.rawOwnTopics.push(await rawBurst(`raw-own-${r}`, rawTopics));
    bursts.rawSharedTopic.push(await rawBurst(`raw-shared-${r}`, ['bench-shared']));
    bursts.oneFrameOwnTopics.push(await rawBurst(`one-frame-own-${r}`, oneFrameTopics));
    bursts.oneFrameSharedTopic.push(await rawBurst(`one-frame-shared-${r}`, ['bench-one-frame']));
  }
  await Promise.all(workers.map((w) => w.request({ type: 'close', group: 'raw' })));

  // 3b and 5. All subscribers connected: memory, then one push to all of them.
  log(`connecting ${n - small} more WebSocket subscribers`);
  const connectRestSeconds = await connectClients(workers, 'kii', wsUrl, small, n, kiiClient);
  const rssAll = await settledRss(pid);
  const allPushes: FanOut[] = [];
  for (let r = 0; r < options.repeats; r++) {
    allPushes.push(await fanOut(workers, `all-${r}`, n, 1, pid, push('bench-all', `all-${r}`)));
  }
  log('closing the server subscribers');
  await Promise.all(workers.map((w) => w.request({ type: 'close', group: 'kii' })));
  await server.stop();
  ownPids.delete(pid);

  // Reference: the bare aedes with all subscribers on one topic.
  let rawReference: BenchResults['raw'];
  if (options.raw10k) {
    log(`bare aedes reference: ${n} subscribers on one topic`);
    const rawIdle = await settledRss(raw.ready.pid);
    await connectClients(workers, 'raw-all', rawUrl, 0, n, (j) => ({
      clientId: `a${rawTopic(j)}`,
      topics: ['bench-shared'],
    }));
    const rawAll = await settledRss(raw.ready.pid);
    const rawPushes: FanOut[] = [];
    for (let r = 0; r < options.repeats; r++) {
      const run = `raw-all-${r}`;
      rawPushes.push(
        await fanOut(workers, run, n, 1, raw.ready.pid, () =>
          raw.request({
            type: 'publish',
            run,
            topics: ['bench-shared'],
            pushes: 1,
            extra: extra('bench-all'),
          }),
        ),
      );
    }
    rawReference = { rssIdle: rawIdle, rssAll: rawAll, allPushes: rawPushes };
    await Promise.all(workers.map((w) => w.request({ type: 'close', group: 'raw-all' })));
  }

  return {
    installRounds,
    endpointRounds,
    referenceRounds,
    connectSeconds: { small: connectSmallSeconds, rest: connectRestSeconds },
    server: { rssIdle, rssAll, smallPushes, allPushes, bursts },
    raw: rawReference,
  };
}
