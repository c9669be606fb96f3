/**
 * Measuring for the cluster benchmark (bench/cluster-bench.ts): requests to every client worker
 * at once, connecting a range of clients (with the CPU it cost each process group), and one
 * fan-out as the clients saw it (with the server processes' CPU by group).
 */
import { performance } from 'node:perf_hooks';
import type { ConnectReply } from './cluster-clients';
import type { ClientWorker } from './cluster-processes';
import type { ClusterFanOut } from './cluster-report';
import type { RunReport } from './delivery-runs';
import { percentile } from './measure';
import { cpuSeconds, machineCpuSeconds } from './processes';

/** `window`: connects in flight per worker; `addresses`: the clients' source addresses. */
export function clusterMeasures(workers: ClientWorker[], addresses: string[], window: number) {
  /** Requests every worker at once; `body(k)` is worker k's request. */
  function all<T>(body: (k: number) => object): Promise<T[]> {
    return Promise.all(workers.map((w, k) => w.request<T>(body(k))));
  }

  /** How many of the clients with index < count worker k holds (client j is on worker j % W). */
  function share(count: number, k: number) {
    const w = workers.length;
    return Math.floor(count / w) + (k < count % w ? 1 : 0);
  }

  /**
   * Connects the clients with index < count (those not connected yet), client j to node
   * j % nodes; `cpu` names the processes whose CPU seconds over the phase are reported.
   */
  async function connect(urls: string[], count: number, cpu: Record<string, number[]>) {
    const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const groups = { ...cpu, 'client workers': workers.map((w) => w.process.pid!) };
    const cpuBefore = Object.values(groups).map(cpuOf);
    const started = performance.now();
    const replies = await all<ConnectReply>(() => ({
      type: 'connect',
      urls,
      addresses,
      count,
      window: window,
      keepaliveSeconds: 600,
    }));
    return {
      seconds: (performance.now() - started) / 1000,
      held: replies.reduce((sum, r) => sum + r.perNode.reduce((a, b) => a + b, 0), 0),
      failures: replies.flatMap((r) => r.failures).slice(0, 5),
      perNode: urls.map((_, i) => replies.reduce((sum, r) => sum + r.perNode[i], 0)),
      cpu: Object.fromEntries(
        Object.entries(groups).map(([name, pids], i) => [name, cpuOf(pids) - cpuBefore[i]]),
      ),
    };
  }

  /**
   * One fan-out as the clients saw it: `trigger` sends the push(es); worker k expects
   * `expected(k)` deliveries. CPU is read for the server processes (`groups` of PIDs by name) and
   * the machine.
   */
  async function fanOut(
    run: string,
    expected: (k: number) => number,
    groups: Record<string, number[]>,
    trigger: () => Promise<unknown>,
  ): Promise<ClusterFanOut> {
    await all((k) => ({ type: 'expect', run, count: expected(k) }));
    const own = [process.pid, ...workers.map((w) => w.process.pid!)];
    const cpuOf = (list: number[]) => list.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const groupCpu = () => Object.values(groups).map(cpuOf);
    const start = {
      wall: performance.now(),
      groups: groupCpu(),
      own: cpuOf(own),
      machine: machineCpuSeconds().busy,
    };
    await trigger();
    const reports = await all<RunReport>(() => ({ type: 'wait', run, timeoutMs: 60_000 }));
    const seconds = (performance.now() - start.wall) / 1000;
    const cpuByGroup = Object.fromEntries(
      groupCpu().map((seconds, i) => [Object.keys(groups)[i], seconds - start.groups[i]]),
    );
    const serverCpuSeconds = Object.values(cpuByGroup).reduce((a, b) => a + b, 0);
    const others =
      machineCpuSeconds().busy - start.machine - serverCpuSeconds - (cpuOf(own) - start.own);
    const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
    return {
      expected: workers.reduce((sum, _, k) => sum + expected(k), 0),
      received: latencies.length,
      wrong: reports.reduce((sum, r) => sum + r.wrong, 0),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      last: latencies.at(-1) ?? NaN,
      seconds,
      serverCpuSeconds,
      cpuByGroup,
      otherCores: Math.max(0, others) / seconds,
      workerElu: Math.max(...reports.map((r) => r.elu)),
    };
  }

  return { all, share, connect, fanOut };
}
