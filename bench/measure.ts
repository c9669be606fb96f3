/**
 * Measuring for the server benchmark: CPU accounting per phase (the broker's, this benchmark's,
 * everybody else's), fan-outs as the subscriber workers saw them, connection set-up, memory.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, machineCpuSeconds, rssBytes, type SubscriberWorker } from './processes';
import type { FanOut, Phase } from './report';
import type { RunReport, SubscriberSpec } from './subscribers';

/** How long a fan-out may take before the missing deliveries are reported as such. */
const WAIT_MS = 30_000;

/** Processes of this benchmark: their CPU time is told apart from everybody else's. */
export const ownPids = new Set<number>([process.pid]);

function ownCpuSeconds(): number {
  let total = 0;
  for (const pid of ownPids) total += cpuSeconds(pid);
  return total;
}

/**
 * Measures a phase: wall time, the broker's CPU, the CPU used by processes outside this
 * benchmark (other engineers' builds and tests: the noise), CPU time the hypervisor took away
 * (steal), and the load generator's event loop.
 */
export function phaseMeter(brokerPid: number) {
  const start = {
    wall: performance.now(),
    broker: cpuSeconds(brokerPid),
    own: ownCpuSeconds(),
    machine: machineCpuSeconds(),
  };
  const elu = performance.eventLoopUtilization();
  return (): Phase => {
    const seconds = (performance.now() - start.wall) / 1000;
    const machine = machineCpuSeconds();
    const others = machine.busy - start.machine.busy - (ownCpuSeconds() - start.own);
    const brokerCpuSeconds = cpuSeconds(brokerPid) - start.broker;
    return {
      seconds,
      brokerCpuSeconds,
      brokerCpu: brokerCpuSeconds / seconds,
      otherCores: Math.max(0, others) / seconds,
      stealCores: (machine.steal - start.machine.steal) / seconds,
      benchElu: performance.eventLoopUtilization(elu).utilization,
    };
  };
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Share of `count` clients (indices 0..count-1, client j on worker j % workers) per worker. */
function perWorker(count: number, workers: number): number[] {
  return Array.from(
    { length: workers },
    (_, k) => Math.floor(count / workers) + (k < count % workers ? 1 : 0),
  );
}

/**
 * One fan-out as the subscribers saw it: `trigger` sends `pushes` messages, each to the first
 * `subscribers` clients; latencies are receipt time minus the `sentAt` stamped at sending.
 */
export async function fanOut(
  workers: SubscriberWorker[],
  run: string,
  subscribers: number,
  pushes: number,
  brokerPid: number,
  trigger: () => Promise<unknown>,
): Promise<FanOut> {
  const shares = perWorker(subscribers, workers.length);
  await Promise.all(
    workers.map((w, k) => w.request({ type: 'expect', run, count: shares[k] * pushes })),
  );
  const meter = phaseMeter(brokerPid);
  await trigger();
  const reports = await Promise.all(
    workers.map((w) => w.request<RunReport>({ type: 'wait', run, timeoutMs: WAIT_MS })),
  );
  const phase = meter();
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const firstSent = Math.min(...reports.map((r) => r.firstSentAt));
  const lastReceived = Math.max(...reports.map((r) => r.lastReceivedAt));
  return {
    ...phase,
    expected: subscribers * pushes,
    received: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    last: latencies.at(-1) ?? NaN,
    perSecond: (latencies.length * 1000) / Math.max(1, lastReceived - firstSent),
    workerElu: Math.max(...reports.map((r) => r.elu)),
  };
}

/** Opens clients `from..to-1` (client j on worker j % workers), 100 at a time per worker. */
export async function connectClients(
  workers: SubscriberWorker[],
  group: string,
  url: string,
  from: number,
  to: number,
  spec: (j: number) => SubscriberSpec,
) {
  const started = performance.now();
  const replies = await Promise.all(
    workers.map((worker, k) => {
      const clients: SubscriberSpec[] = [];
      for (let j = from; j < to; j++) if (j % workers.length === k) clients.push(spec(j));
      return worker.request<{ connected: number; failed: number; failures: string[] }>({
        type: 'connect',
        group,
        url,
        clients,
        batch: 100,
      });
    }),
  );
  const failed = replies.reduce((n, r) => n + r.failed, 0);
  if (failed > 0)
    throw new Error(
      `${failed} of ${to - from} clients failed to connect: ${replies.flatMap((r) => r.failures).join('; ')}`,
    );
  return (performance.now() - started) / 1000;
}

export async function settledRss(pid: number): Promise<number> {
  await sleep(2000);
  return rssBytes(pid);
}
