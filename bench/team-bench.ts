/**
 * `npm run bench:team`: what team mode costs (docs/performance.md, "Team mode").
 *
 * 1. Overhead of the console server over a direct call to the local Kii server, for install and
 *    for the MQTT endpoint fetch: the same call both ways, one after the other in alternating
 *    order, sequentially (one request in flight), p50/p95/p99 each and the p95 difference.
 * 2. The audit trail (bench/team-audit.ts): `audit.record` in-process, then 1,000 requests/s
 *    open loop of the same refused call with its audit row and on a twin console server whose
 *    audit trail records nothing, beside two calls that write no row.
 * 3. The installations listing (API) of an app with `--rows` (100,000) registry rows.
 * 4. The installations page of that app in headless Chromium (bench/team-page.ts), on a stack
 *    where the app looks like a Kii Cloud app so that the page lists the registry.
 *
 * Run: `flock /tmp/kpc-bench.lock npm run bench:team [-- --rows N --calls N --rounds N
 * --page-runs N --no-page --build --console <dir> --only overhead,audit,listing,page
 * --cpu-prof <dir>]`. `--console` names a built console's
 * `browser` folder; without it the bench uses (or builds) dist/bench like bench:console.
 * `--no-page` skips the page; without Chromium the page is skipped with a note.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { registerUser } from '../console-server/kii/local-kii-process';
import { BENCH_BUILD_DIR, benchConsoleBuild } from './console-build';
import { LeanHttpPool } from './http-load';
import { cpuSeconds } from './processes';
import { auditAtRate, auditInProcess } from './team-audit';
import { startTeamBenchStack, type TeamBenchStack } from './team-bench-stack';
import { benchChromium, measureInstallationsPage, PAGE_FILTER } from './team-page';
import { addCells, addRow, printTable } from './team-table';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROWS = flag('--rows', 100_000);
const CALLS = flag('--calls', 500);
/** A/B pairs run before the timed ones and not counted (their CPU is). */
const WARM_UP_PAIRS = 50;
const ROUNDS = flag('--rounds', 8);
/** Rows in the trail for the second in-process pace (`--audit-rows 0` skips it). */
const AUDIT_ROWS = flag('--audit-rows', 1_000_000);
const PAGE_RUNS = flag('--page-runs', 5);
const USERS = 100;
const cpuProfAt = args.indexOf('--cpu-prof');
/** `--cpu-prof <dir>`: the main stack's console server writes its V8 CPU profile there. */
const CPU_PROF_DIR = cpuProfAt >= 0 ? args[cpuProfAt + 1] : undefined;
const onlyAt = args.indexOf('--only');
/** `--only overhead,audit,listing,page`: the parts to run (all by default). */
const PARTS = new Set(
  onlyAt >= 0 ? args[onlyAt + 1].split(',') : ['overhead', 'audit', 'listing', 'page'],
);

async function timed(send: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${response.url}`);
  return ms;
}

/**
 * One keep-alive connection of the lean client (bench/http-load.ts) to a base URL: undici's
 * own CPU and garbage would land in the timings of both ways alike, and widen their tails.
 */
async function leanTo(base: string) {
  const url = new URL(base);
  const pool = await LeanHttpPool.open(url.hostname, Number(url.port), 1);
  const prefix = url.pathname.replace(/\/$/, '');
  return {
    pool,
    /** Milliseconds from writing the request to its whole answer; a non-2xx answer throws. */
    async call(
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: string,
    ): Promise<number> {
      const raw = pool.build(method, `${prefix}${path}`, headers, body);
      const started = performance.now();
      const response = await pool.send(raw);
      const ms = performance.now() - started;
      if (response.status >= 300) throw new Error(`HTTP ${response.status} from ${path}`);
      return ms;
    },
  };
}

/** Runs `a` and `b` `calls` times each, alternating which goes first; warm-up not counted. */
async function abPairs(
  calls: number,
  a: (i: number) => Promise<number>,
  b: (i: number) => Promise<number>,
) {
  const times = { a: [] as number[], b: [] as number[] };
  for (let i = -WARM_UP_PAIRS; i < calls; i++) {
    const index = i + WARM_UP_PAIRS;
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const one = await first(index);
    const two = await second(index);
    if (i < 0) continue;
    times.a.push(first === a ? one : two);
    times.b.push(first === a ? two : one);
  }
  return times;
}

/**
 * The console server's CPU per call since `before` (its /proc counters, so its worker threads
 * too): only the console-server half of each A/B pair reaches it, and the warm-up pairs count.
 */
function perCallUs(before: number, pid: number): string {
  return (((cpuSeconds(pid) - before) / (CALLS + WARM_UP_PAIRS)) * 1e6).toFixed(0);
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

  const kii = await leanTo(app.baseUrl);
  const team = await leanTo(`${stack.origin}/team/api`);
  const direct = (i: number) =>
    kii.call(
      'POST',
      `/apps/${app.appId}/installations`,
      { ...kiiHeaders, 'content-type': 'application/vnd.kii.InstallationCreationRequest+json' },
      JSON.stringify({ deviceType: 'MQTT', development: false, userID: users[i % USERS] }),
    );
  const viaConsole = (i: number) =>
    team.call(
      'POST',
      `/apps/${app.appId}/installations`,
      { ...teamHeaders(), 'content-type': 'application/json' },
      JSON.stringify({ userID: users[i % USERS] }),
    );
  let cpuBefore = cpuSeconds(stack.consolePid);
  const install = await abPairs(CALLS, direct, viaConsole);
  const installCpu = perCallUs(cpuBefore, stack.consolePid);
  const note = `first ${USERS} create, the rest repeat (Kii answers the same installation)`;
  const installDirect = addRow('install, direct to Kii', install.a, 'ms', note);
  const installTeam = addRow(
    'install, via console server',
    install.b,
    'ms',
    'audited, registry row',
  );
  addCells('  install p95 overhead', {
    p95: `${(installTeam - installDirect).toFixed(2)} ms`,
    note: `target <= 5 ms; console server CPU ${installCpu} us per call`,
  });

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
  cpuBefore = cpuSeconds(stack.consolePid);
  const endpoint = await abPairs(
    CALLS,
    (i) =>
      kii.call(
        'GET',
        `/apps/${app.appId}/installations/${installations[i % 10]}/mqtt-endpoint`,
        kiiHeaders,
      ),
    (i) =>
      team.call(
        'GET',
        `/apps/${app.appId}/installations/${installations[i % 10]}/mqtt-endpoint`,
        teamHeaders(),
      ),
  );
  kii.pool.close();
  team.pool.close();
  const endpointCpu = perCallUs(cpuBefore, stack.consolePid);
  const endpointDirect = addRow('endpoint fetch, direct to Kii', endpoint.a, 'ms');
  const endpointTeam = addRow(
    'endpoint fetch, via console server',
    endpoint.b,
    'ms',
    'audited reveal',
  );
  addCells('  endpoint p95 overhead', {
    p95: `${(endpointTeam - endpointDirect).toFixed(2)} ms`,
    note: `target <= 5 ms; console server CPU ${endpointCpu} us per call`,
  });
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

/** The installations page on a stack of its own whose app the console server lists from the registry. */
async function page() {
  const chromiumPath = benchChromium();
  if (!PARTS.has('page')) return;
  if (args.includes('--no-page') || !chromiumPath) {
    addCells('installations page (Chromium)', {
      note: chromiumPath ? 'skipped (--no-page)' : 'skipped: no Chromium (CHROME_BIN)',
    });
    return;
  }
  const at = args.indexOf('--console');
  const consoleDir =
    at >= 0 ? args[at + 1] : benchConsoleBuild(BENCH_BUILD_DIR, args.includes('--build'));
  const stack = await startTeamBenchStack(ROWS, { consoleDir, kiiCloud: true });
  try {
    const runs = await measureInstallationsPage(stack, chromiumPath, ROWS, PAGE_RUNS);
    const rows = `${ROWS.toLocaleString('en')} registry rows, operator`;
    addRow(
      'page: navigation to first rows + total',
      runs.map((r) => r.firstRows),
      'ms',
      `${rows}; target < 2 s`,
    );
    addRow(
      'page: navigation to all rows loaded',
      runs.map((r) => r.allRows),
      'ms',
      rows,
    );
    addRow(
      `page: filter "${PAGE_FILTER}" to its first page`,
      runs.map((r) => r.filter),
      'ms',
      `${runs[0].matched.toLocaleString('en')} rows match`,
    );
    addRow(
      'page: filtered, next page',
      runs.map((r) => r.nextPage),
      'ms',
    );
  } finally {
    await stack.stop();
  }
}

async function main() {
  const load = () =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  const before = load();
  const started = Date.now();
  const stack = await startTeamBenchStack(ROWS, { cpuProfDir: CPU_PROF_DIR });
  try {
    if (PARTS.has('overhead')) await overhead(stack);
    if (PARTS.has('audit')) {
      await auditInProcess(AUDIT_ROWS);
      const twin = await startTeamBenchStack(0, { auditOff: true });
      try {
        await auditAtRate(stack, twin, ROUNDS);
      } finally {
        await twin.stop();
      }
    }
    if (PARTS.has('listing')) await listing(stack);
  } finally {
    await stack.stop();
  }
  await page();
  console.log(
    `bench:team  ${new Date(started).toISOString()}  load before: ${before}  after: ${load()}  node ${process.version}`,
  );
  printTable();
}

await main();
