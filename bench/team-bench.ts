/**
 * `npm run bench:team`: what team mode costs (docs/performance.md, "Team mode").
 *
 * 1. Overhead of the console server over a direct call to the local Kii server, for install and
 *    for the MQTT endpoint fetch: the same call both ways, one after the other in alternating
 *    order, sequentially (one request in flight), p50/p95/p99 each and the p95 difference.
 * 2. The audit trail: `audit.record` on a SQLite file as the server opens it (entries/s flat out,
 *    and the cost of one entry at 1,000/s), then 1,000 requests/s for 5 s through the console
 *    server of an audited call (a refused one: requireRole writes its audit row, no Kii call)
 *    against an unaudited one (GET /me, the same session lookup), open loop.
 * 3. The installations listing (API) of an app with `--rows` (100,000) registry rows.
 *
 * Run: `flock /tmp/kpc-bench.lock npm run bench:team [-- --rows N --calls N]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuditRepository } from '../console-server/audit/audit-repository';
import { openDatabase } from '../console-server/db/database';
import { registerUser } from '../console-server/kii/local-kii-process';
import { startTeamBenchStack, type TeamBenchStack } from './team-bench-stack';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROWS = flag('--rows', 100_000);
const CALLS = flag('--calls', 500);
const USERS = 100;
const RATE = 1000;
const RATE_SECONDS = 5;

type Row = string[];
const table: Row[] = [['measure', 'n', 'p50', 'p95', 'p99', 'note']];

function quantiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function addRow(name: string, values: number[], unit: 'ms' | 'us', note = ''): number {
  const q = quantiles(values);
  const show = (v: number) => (unit === 'ms' ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} us`);
  table.push([name, String(values.length), show(q.p50), show(q.p95), show(q.p99), note]);
  return q.p95;
}

async function timed(send: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${response.url}`);
  return ms;
}

/** Runs `a` and `b` `calls` times each, alternating which goes first; warm-up not counted. */
async function abPairs(
  calls: number,
  a: (i: number) => Promise<number>,
  b: (i: number) => Promise<number>,
) {
  const times = { a: [] as number[], b: [] as number[] };
  for (let i = -50; i < calls; i++) {
    const index = i + 50;
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const one = await first(index);
    const two = await second(index);
    if (i < 0) continue;
    times.a.push(first === a ? one : two);
    times.b.push(first === a ? two : one);
  }
  return times;
}

async function overhead(stack: TeamBenchStack) {
  const { app } = stack;
  const admin = await stack.signIn('admin');
  const tokenAnswer = await fetch(`${app.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'x-kii-appid': app.appId,
      'x-kii-appkey': app.appKey,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret }),
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const kiiHeaders = {
    'x-kii-appid': app.appId,
    'x-kii-appkey': app.appKey,
    authorization: `Bearer ${token}`,
  };
  const teamHeaders = () => ({
    origin: stack.origin,
    'x-kpc-csrf': admin.csrfToken,
    cookie: admin.cookie,
  });
  const users: string[] = [];
  for (let i = 0; i < USERS; i++) users.push(await registerUser(app, `bench-${Date.now()}-${i}`));
  const installations: string[] = [];

  const direct = (i: number) =>
    timed(() =>
      fetch(`${app.baseUrl}/apps/${app.appId}/installations`, {
        method: 'POST',
        headers: {
          ...kiiHeaders,
          'content-type': 'application/vnd.kii.InstallationCreationRequest+json',
        },
        body: JSON.stringify({ deviceType: 'MQTT', development: false, userID: users[i % USERS] }),
      }),
    );
  const viaConsole = (i: number) =>
    timed(() =>
      fetch(`${stack.origin}/team/api/apps/${app.appId}/installations`, {
        method: 'POST',
        headers: { ...teamHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify({ userID: users[i % USERS] }),
      }),
    );
  const install = await abPairs(CALLS, direct, viaConsole);
  const note = `first ${USERS} create, the rest repeat (Kii answers the same installation)`;
  const installDirect = addRow('install, direct to Kii', install.a, 'ms', note);
  const installTeam = addRow(
    'install, via console server',
    install.b,
    'ms',
    'audited, registry row',
  );
  table.push([
    '  install p95 overhead',
    '',
    '',
    `${(installTeam - installDirect).toFixed(2)} ms`,
    '',
    'target <= 5 ms',
  ]);

  for (const userID of users.slice(0, 10)) {
    const answer = await fetch(`${app.baseUrl}/apps/${app.appId}/installations`, {
      method: 'POST',
      headers: {
        ...kiiHeaders,
        'content-type': 'application/vnd.kii.InstallationCreationRequest+json',
      },
      body: JSON.stringify({ deviceType: 'MQTT', development: false, userID }),
    });
    installations.push(((await answer.json()) as { installationID: string }).installationID);
  }
  const endpoint = await abPairs(
    CALLS,
    (i) =>
      timed(() =>
        fetch(
          `${app.baseUrl}/apps/${app.appId}/installations/${installations[i % 10]}/mqtt-endpoint`,
          {
            headers: kiiHeaders,
          },
        ),
      ),
    (i) =>
      timed(() =>
        fetch(
          `${stack.origin}/team/api/apps/${app.appId}/installations/${installations[i % 10]}/mqtt-endpoint`,
          { headers: teamHeaders() },
        ),
      ),
  );
  const endpointDirect = addRow('endpoint fetch, direct to Kii', endpoint.a, 'ms');
  const endpointTeam = addRow(
    'endpoint fetch, via console server',
    endpoint.b,
    'ms',
    'audited reveal',
  );
  table.push([
    '  endpoint p95 overhead',
    '',
    '',
    `${(endpointTeam - endpointDirect).toFixed(2)} ms`,
    '',
    'target <= 5 ms',
  ]);
}

function auditInProcess() {
  const dir = mkdtempSync(join(tmpdir(), 'kpc-audit-bench-'));
  const db = openDatabase({ dataDir: dir, inMemory: false });
  const audit = createAuditRepository(db);
  const entry = (i: number) => ({
    person: `person${i % 12}`,
    appId: 'demoapp',
    action: 'installation.credentials.reveal',
    target: `installation-${i}`,
    status: 200,
    clientAddress: '127.0.0.1',
    details: {
      installationID: `installation-${i}`,
      mqttTopic: `topic-${i}`,
      ttlSeconds: 2147483647,
    },
  });
  const flatOut = 20_000;
  const started = performance.now();
  for (let i = 0; i < flatOut; i++) audit.record(entry(i));
  const perSecond = flatOut / ((performance.now() - started) / 1000);
  table.push([
    'audit.record flat out (SQLite file, WAL)',
    String(flatOut),
    '',
    '',
    '',
    `${Math.round(perSecond).toLocaleString('en')} entries/s`,
  ]);
  return { db, dir, audit, entry };
}

async function auditPaced(stack: TeamBenchStack) {
  const { db, dir, audit, entry } = auditInProcess();
  const costs: number[] = [];
  const begin = performance.now();
  for (let i = 0; i < RATE * RATE_SECONDS; i++) {
    const due = begin + (i * 1000) / RATE;
    while (performance.now() < due) await sleep(0);
    const started = performance.now();
    audit.record(entry(i));
    costs.push((performance.now() - started) * 1000);
  }
  addRow(`audit.record at ${RATE}/s, one entry`, costs, 'us');
  db.close();
  rmSync(dir, { recursive: true, force: true });

  const viewer = await stack.signIn('viewer');
  const headers = { cookie: viewer.cookie };
  const openLoop = async (path: string, status: number, signedIn = true) => {
    const times: number[] = [];
    const pending: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < RATE * RATE_SECONDS; i++) {
      const due = start + (i * 1000) / RATE;
      while (performance.now() < due) await sleep(0);
      const sent = performance.now();
      pending.push(
        fetch(`${stack.origin}${path}`, { headers: signedIn ? headers : {} }).then(
          async (response) => {
            await response.arrayBuffer();
            if (response.status !== status) throw new Error(`${path}: ${response.status}`);
            times.push(performance.now() - sent);
          },
        ),
      );
    }
    await Promise.all(pending);
    const achieved = times.length / ((performance.now() - start) / 1000);
    return { times, achieved };
  };
  // Interleaved A B C A B C so a noisy moment hits all three. The 401 takes the same route and
  // error path as the 403 without a session or an audit row; /me a session without an audit row.
  const runs = {
    me: [] as number[],
    signedOut: [] as number[],
    audited: [] as number[],
  };
  const rates: string[] = [];
  for (let round = 0; round < 2; round++) {
    const a = await openLoop('/team/api/me', 200);
    const b = await openLoop('/team/api/people', 401, false);
    const c = await openLoop('/team/api/people', 403);
    runs.me.push(...a.times);
    runs.signedOut.push(...b.times);
    runs.audited.push(...c.times);
    rates.push([a, b, c].map((run) => Math.round(run.achieved)).join('/'));
  }
  const noAudit = addRow(
    `GET /me at ${RATE}/s (session, no audit row)`,
    runs.me,
    'ms',
    `achieved/s a/b/c: ${rates.join(' ')}`,
  );
  addRow(`GET /people at ${RATE}/s, 401 (no session, no row)`, runs.signedOut, 'ms');
  const withAudit = addRow(
    `GET /people at ${RATE}/s, 403 (session + audit row)`,
    runs.audited,
    'ms',
  );
  table.push([
    '  audited 403 vs /me, p95',
    '',
    '',
    `${(withAudit - noAudit).toFixed(2)} ms`,
    '',
    '',
  ]);
}

async function listing(stack: TeamBenchStack) {
  const viewer = await stack.signIn('viewer');
  const base = `${stack.origin}/team/api/apps/${stack.app.appId}/installations?source=registry`;
  const get = (query = '') =>
    timed(() => fetch(`${base}${query}`, { headers: { cookie: viewer.cookie } }));
  const measure = async (name: string, query: string, note = '') => {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const ms = await get(query);
      if (i >= 10) times.push(ms);
    }
    addRow(name, times, 'ms', note);
  };
  const rows = `${ROWS.toLocaleString('en')} rows`;
  await measure('listing page 1 (50) + total', '', `${rows}; target < 2 s`);
  await measure('listing page 1 (500) + total', '&limit=500', rows);
  await measure('listing status=gone + total', '&status=gone', rows);
  await measure('listing owner user42 + total', '&userID=user42', rows);
}

async function main() {
  const load = loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
  const stack = await startTeamBenchStack(ROWS);
  try {
    await overhead(stack);
    await auditPaced(stack);
    await listing(stack);
  } finally {
    await stack.stop();
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  console.log(
    `bench:team  load before: ${load}  after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}  node ${process.version}`,
  );
  for (const row of table) {
    console.log(
      row
        .map((cell, c) => (c === 0 || c === 5 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join('  '),
    );
  }
}

await main();
