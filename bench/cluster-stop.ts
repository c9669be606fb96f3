/**
 * The graceful stop measure of the cluster benchmark (bench/cluster-bench.ts, `--stop`): SIGTERM
 * to one broker node, as a supervisor or a rolling deploy stops it, while it holds its share of
 * the clients. Measured: the time to its exit and its exit code (server/main.ts forces exit 1
 * after 10 s), how its clients saw their connections end (WebSocket close code) and how long
 * until all of them are subscribed again on the other nodes, what the API node's connection
 * history says about the connections that ended, and one push to all clients afterwards.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HEARTBEAT_MS } from '../server/cluster/push-routing';
import type { RecoveryReport } from './cluster-clients';
import type { clusterMeasures } from './cluster-measure';
import type { BrokerReady } from './cluster-processes';
import type { ClusterFanOut, StopFigures } from './cluster-report';
import { ALL_TOPIC, type AdminSession } from './cluster-setup';
import type { Child } from './processes';

type Measures = ReturnType<typeof clusterMeasures>;

export interface StopMeasure {
  measures: Measures;
  victim: Child<BrokerReady>;
  /** The victim's index in the clients' node list, and nodes already gone (the killed one). */
  node: number;
  down: number[];
  /** When the other node was killed (epoch ms). */
  killedAt: number;
  /** Clients on the victim now (as the last recovery counted them). */
  clients: number;
  connections: number;
  /** Histories read: at most this many of the moved clients, spread evenly. */
  sample: number;
  installations: string[];
  /** Server processes by group, for the CPU of the push afterwards (the victim left out). */
  groups: Record<string, number[]>;
  withSession<T>(use: (session: AdminSession) => Promise<T>): Promise<T>;
  log(line: string): void;
}

export async function measureStop(m: StopMeasure): Promise<StopFigures> {
  const { all, share, fanOut } = m.measures;
  const before = await all<{ indices: number[] }>(() => ({ type: 'moved', node: m.node }));
  await all(() => ({ type: 'recovery-reset', down: m.down }));
  // The API node forgets the killed node once its heartbeats have lapsed (3 x 2 s) and then
  // writes its connections as lost: let that be over first, apart from what the stop writes.
  const wait = m.killedAt + 4 * HEARTBEAT_MS - Date.now();
  if (wait > 0) await sleep(wait);
  const pid = m.victim.ready.pid;
  const child = m.victim.process;
  const exited = new Promise<{ at: number; code: number | null; signal: string | null }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ at: Date.now(), code, signal })),
  );
  const clients = m.clients;
  m.log(`SIGTERM to broker node ${m.node + 1} (pid ${pid}, ${clients} clients)`);
  const stoppedAt = Date.now();
  process.kill(pid, 'SIGTERM');
  const recovery = await all<RecoveryReport>(() => ({
    type: 'recovery',
    node: m.node,
    timeoutMs: 300_000,
  }));
  const exit = await exited;

  // The clients that were on the node (none were lost from it before the stop).
  const already = new Set(before.flatMap((r) => r.indices));
  const moved = (await all<{ indices: number[] }>(() => ({ type: 'moved', node: m.node })))
    .flatMap((r) => r.indices)
    .filter((i) => !already.has(i))
    .sort((a, b) => a - b);
  const step = Math.max(1, moved.length / m.sample);
  const picked = Array.from(
    { length: Math.min(m.sample, moved.length) },
    (_, j) => moved[Math.floor(j * step)],
  );
  const histories = await m.withSession((session) =>
    session.history(picked.map((i) => m.installations[i])),
  );
  // The newest closed record (the list is newest first, as written): the connection the node
  // held; the killed node's were written when it was forgotten, before the signal (see above).
  const historyEnds: Record<string, number> = {};
  for (const records of histories) {
    const ended = records.find((r) => r.closedAt !== null && r.closedAt >= stoppedAt);
    const what = ended
      ? `${ended.closeReason}${ended.detail ? ` (${ended.detail})` : ''}`
      : 'no record closed since the SIGTERM';
    historyEnds[what] = (historyEnds[what] ?? 0) + 1;
  }

  const pushAfter: ClusterFanOut = await m.withSession((session) =>
    fanOut(
      'after-stop',
      (k) => share(m.connections, k),
      m.groups,
      () => session.push(1, () => ({ path: `topics/${ALL_TOPIC}`, data: { run: 'after-stop' } })),
    ),
  );
  const closeCodes: Record<string, number> = {};
  for (const r of recovery)
    for (const [code, count] of Object.entries(r.closeCodes))
      closeCodes[code] = (closeCodes[code] ?? 0) + count;
  return {
    pid,
    clients,
    exitMs: exit.at - stoppedAt,
    exitCode: exit.code,
    exitSignal: exit.signal,
    lost: recovery.reduce((sum, r) => sum + r.lost, 0),
    back: recovery.reduce((sum, r) => sum + r.back, 0),
    detectMs: Math.min(...recovery.filter((r) => r.lost > 0).map((r) => r.firstLostAt)) - stoppedAt,
    reconnectMs: Math.max(...recovery.map((r) => r.lastBackAt)) - stoppedAt,
    attempts: recovery.reduce((sum, r) => sum + r.attempts, 0),
    failures: recovery.flatMap((r) => r.failures).slice(0, 5),
    closeCodes,
    perNode: recovery[0].perNode.map((_, i) => recovery.reduce((sum, r) => sum + r.perNode[i], 0)),
    historyChecked: picked.length,
    historyEnds,
    pushAfter,
  };
}
