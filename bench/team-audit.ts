import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createAuditRepository,
  type AuditRepository,
} from '../console-server/audit/audit-repository';
import { DATABASE_FILE, openDatabase } from '../console-server/db/database';
import { startWalCheckpointer } from '../console-server/db/wal-checkpointer';
import { cpuSample, otherCores } from './console-noise';
import { LeanHttpPool } from './http-load';
import { cpuSeconds } from './processes';
import type { TeamBenchStack } from './team-bench-stack';
import { addCells, addRow, quantiles } from './team-table';

/*
 * bench:team's audit trail part: `audit.record` in-process (flat out, and one entry at 1,000/s),
 * then HTTP at 1,000 requests/s open loop through the console server: the refused call that
 * writes an audit row (a viewer's GET /people, 403), the same call on a twin console server
 * whose audit trail records nothing (bench/console-server-entry.ts --audit-off), and two calls
 * that write no row (GET /me signed in, GET /people signed out: 401).
 */

const RATE = 1000;
const RATE_SECONDS = 3;

function entry(i: number) {
  return {
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
  };
}

/** `audit.record` paced at `RATE`/s for `RATE_SECONDS`: µs per call. */
async function paced(audit: AuditRepository, from: number): Promise<number[]> {
  const costs: number[] = [];
  const begin = performance.now();
  for (let i = 0; i < RATE * RATE_SECONDS; i++) {
    const due = begin + (i * 1000) / RATE;
    while (performance.now() < due) await sleep(0);
    const at = performance.now();
    audit.record(entry(from + i));
    costs.push((performance.now() - at) * 1000);
  }
  return costs;
}

/**
 * `audit.record` on a SQLite file as the server opens it (its WAL checkpoints on a worker):
 * flat out, then paced at 1,000/s; then the same pace once the trail holds `largeRows` rows,
 * to see whether an append costs more as the trail grows (it is a B-tree append at the end
 * of the table and of each index, so it should not).
 */
export async function auditInProcess(largeRows: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kpc-audit-bench-'));
  const db = openDatabase({ dataDir: dir, inMemory: false });
  const checkpointer = startWalCheckpointer(db);
  try {
    const audit = createAuditRepository(db);
    const flatOut = 20_000;
    const started = performance.now();
    for (let i = 0; i < flatOut; i++) audit.record(entry(i));
    const perSecond = flatOut / ((performance.now() - started) / 1000);
    addCells('audit.record flat out (SQLite file, WAL, checkpoint worker)', {
      n: String(flatOut),
      note: `${Math.round(perSecond).toLocaleString('en')} entries/s`,
    });
    addRow(`audit.record at ${RATE}/s, one entry`, await paced(audit, flatOut), 'us');
    if (largeRows <= 0) return;
    // Real appends (chain, anchor and all), 10,000 to a transaction so that filling is quick.
    const fillStarted = performance.now();
    const batch = db.transaction((from: number, count: number) => {
      for (let i = 0; i < count; i++) audit.record(entry(from + i));
    });
    let rows = flatOut + RATE * RATE_SECONDS;
    while (rows < largeRows) {
      const count = Math.min(10_000, largeRows - rows);
      batch(rows, count);
      rows += count;
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const mb = (statSync(join(dir, DATABASE_FILE)).size / 1e6).toFixed(0);
    addRow(
      `  same, the trail at ${rows.toLocaleString('en')} rows`,
      await paced(audit, rows),
      'us',
      `file ${mb} MB; filled in ${fillSeconds.toFixed(0)} s`,
    );
    const verifyStarted = performance.now();
    const check = audit.verify();
    if (!check.ok) throw new Error(`the filled trail does not verify: ${JSON.stringify(check)}`);
    addCells(`  verify-audit over ${check.rows.toLocaleString('en')} rows`, {
      note: `${((performance.now() - verifyStarted) / 1000).toFixed(1)} s, chain and anchor intact`,
    });
  } finally {
    await checkpointer.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface OpenLoopRun {
  times: number[];
  achieved: number;
  /** The console server's CPU per request, µs. */
  serverCpuUs: number;
  /** Cores busy with processes outside this bench while it ran. */
  others: number;
  /** Requests that got no answer (connection reset): counted, never timed. */
  failed: number;
}

/**
 * `RATE` requests/s for `RATE_SECONDS` to `path`, each answered with `status`. Sent through
 * the lean keep-alive client (bench/http-load.ts): undici would spend about as much CPU per
 * request as the console server does, on the same two cores. Each request is timed from when
 * it was written; one that falls behind its schedule is sent at once (open loop).
 */
async function openLoop(
  stack: TeamBenchStack,
  pool: LeanHttpPool,
  path: string,
  status: number,
  cookie?: string,
): Promise<OpenLoopRun> {
  const times: number[] = [];
  const failures: string[] = [];
  const pending: Promise<void>[] = [];
  const count = RATE * RATE_SECONDS;
  const raw = pool.build('GET', path, cookie ? { cookie } : {});
  const cpuBefore = cpuSeconds(stack.consolePid);
  const machineBefore = cpuSample();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / RATE;
    while (performance.now() < due) await sleep(0);
    const sent = performance.now();
    pending.push(
      pool.send(raw).then(
        (response) => {
          if (response.status !== status) throw new Error(`${path}: ${response.status}`);
          times.push(performance.now() - sent);
        },
        (error: unknown) => {
          failures.push(String(error));
        },
      ),
    );
  }
  await Promise.all(pending);
  const achieved = times.length / ((performance.now() - start) / 1000);
  const serverCpuUs = ((cpuSeconds(stack.consolePid) - cpuBefore) / count) * 1e6;
  if (failures.length) {
    console.error(`${stack.origin}${path}: ${failures.length} failed, first: ${failures[0]}`);
  }
  const others = otherCores(machineBefore, cpuSample());
  return { times, achieved, serverCpuUs, others, failed: failures.length };
}

async function poolFor(stack: TeamBenchStack): Promise<LeanHttpPool> {
  const { hostname, port } = new URL(stack.origin);
  return LeanHttpPool.open(hostname, Number(port), 16);
}

/** The `access.refused` rows in a stack's audit trail, read from its SQLite file. */
function refusalRows(stack: TeamBenchStack): number {
  const db = new Database(join(stack.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare<[], number>("SELECT COUNT(*) FROM audit_log WHERE action = 'access.refused'")
      .pluck()
      .get()!;
  } finally {
    db.close();
  }
}

/**
 * The four calls at 1,000/s, `rounds` times, the order rotated each round so that a noisy
 * moment does not always hit the same one. `twin` is the stack whose audit trail is off.
 */
export async function auditAtRate(
  stack: TeamBenchStack,
  twin: TeamBenchStack,
  rounds: number,
): Promise<void> {
  const viewer = await stack.signIn('viewer');
  const twinViewer = await twin.signIn('viewer');
  const [pool, twinPool] = [await poolFor(stack), await poolFor(twin)];
  const kinds = [
    {
      name: `GET /people at ${RATE}/s, 403 (session + audit row)`,
      run: () => openLoop(stack, pool, '/team/api/people', 403, viewer.cookie),
    },
    {
      name: `same 403, audit trail off (twin server)`,
      run: () => openLoop(twin, twinPool, '/team/api/people', 403, twinViewer.cookie),
    },
    {
      name: `GET /me at ${RATE}/s (session, no audit row)`,
      run: () => openLoop(stack, pool, '/team/api/me', 200, viewer.cookie),
    },
    {
      name: `GET /people at ${RATE}/s, 401 (no session, no row)`,
      run: () => openLoop(stack, pool, '/team/api/people', 401),
    },
  ];
  const runs = kinds.map(() => [] as OpenLoopRun[]);
  try {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < kinds.length; k++) {
        const at = (k + round) % kinds.length;
        runs[at].push(await kinds[at].run());
      }
    }
  } finally {
    pool.close();
    twinPool.close();
  }
  kinds.forEach((kind, k) => {
    const all = runs[k];
    const cpu = all.reduce((sum, run) => sum + run.serverCpuUs, 0) / all.length;
    const achieved = all.map((run) => Math.round(run.achieved)).join('/');
    const others = Math.max(...all.map((run) => run.others)).toFixed(2);
    const failed = all.reduce((sum, run) => sum + run.failed, 0);
    addRow(
      kind.name,
      all.flatMap((run) => run.times),
      'ms',
      `server CPU ${cpu.toFixed(0)} us/req; achieved/s ${achieved}; others <= ${others} cores` +
        (failed ? `; ${failed} FAILED (no answer)` : ''),
    );
  });
  // The comparison only means something if the one wrote a row per 403 and the other none.
  const refusals = refusalRows(stack);
  const twinRefusals = refusalRows(twin);
  const sent = rounds * RATE * RATE_SECONDS;
  if (refusals < sent || twinRefusals !== 0) {
    throw new Error(`audit rows of the 403s: ${refusals} (sent ${sent}), twin ${twinRefusals}`);
  }
  const [audited, off] = [0, 1].map((k) => quantiles(runs[k].flatMap((run) => run.times)));
  const difference = (q: 'p50' | 'p95' | 'p99') => `${(audited[q] - off[q]).toFixed(2)} ms`;
  addCells('  audit row vs none, same 403', {
    p50: difference('p50'),
    p95: difference('p95'),
    p99: difference('p99'),
  });
  // Round by round: the two runs of a round are seconds apart, so a noisy minute hits both.
  for (const q of ['p50', 'p95'] as const) {
    const perRound = runs[0].map(
      (run, r) => quantiles(run.times)[q] - quantiles(runs[1][r].times)[q],
    );
    const sorted = [...perRound].sort((a, b) => a - b);
    const higher = perRound.filter((d) => d > 0).length;
    addCells(`  same, ${q} per round (audited - twin)`, {
      n: String(perRound.length),
      [q]: `${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms`,
      note:
        `median of ${perRound.length} rounds; range ${sorted[0].toFixed(2)} to ` +
        `${sorted.at(-1)!.toFixed(2)} ms; audited higher in ${higher} of ${perRound.length}`,
    });
  }
}
