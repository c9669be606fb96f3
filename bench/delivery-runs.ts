/**
 * What a benchmark's subscriber worker (bench/subscribers.ts, bench/cluster-clients.ts) saw of
 * each fan-out ("run"): the coordinator announces how many deliveries to expect, the clients
 * record each payload they get, the coordinator waits for the report. Every payload carries the
 * run it belongs to and its `sentAt` (epoch ms, same machine clock); the latency of a delivery
 * is the receipt time minus `sentAt`.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What a worker saw of one run: latencies in ms, the span, and how busy it was. */
export interface RunReport {
  received: number;
  expected: number;
  latencies: number[];
  firstSentAt: number;
  lastReceivedAt: number;
  /** Deliveries that reached a client they were not for (the recorder says which). */
  wrong: number;
  /** Event-loop utilisation of this worker between `expect` and the last delivery (0..1). */
  elu: number;
}

interface RunState {
  expected: number;
  latencies: number[];
  firstSentAt: number;
  lastReceivedAt: number;
  wrong: number;
  eluStart: EventLoopUtilization;
  eluEnd?: EventLoopUtilization;
  waiter?: () => void;
}

/** The payload keys a run's deliveries carry; `to` marks a delivery meant for one user. */
export interface RunPayload {
  run?: unknown;
  sentAt?: unknown;
  to?: unknown;
}

export class DeliveryRuns {
  private readonly runs = new Map<string, RunState>();

  expect(run: string, count: number): void {
    this.runs.set(run, {
      expected: count,
      latencies: [],
      firstSentAt: Infinity,
      lastReceivedAt: 0,
      wrong: 0,
      eluStart: performance.eventLoopUtilization(),
    });
  }

  /**
   * Parses a payload and records it as a delivery of its run, unless it belongs to no run
   * expected here; `isWrong` tells whether it reached a client it was not for.
   */
  record(payload: Buffer, receivedAt: number, isWrong?: (data: RunPayload) => boolean): void {
    let data: RunPayload;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const state = typeof data.run === 'string' ? this.runs.get(data.run) : undefined;
    if (!state || typeof data.sentAt !== 'number') return;
    if (isWrong?.(data)) state.wrong++;
    state.latencies.push(receivedAt - data.sentAt);
    state.firstSentAt = Math.min(state.firstSentAt, data.sentAt);
    state.lastReceivedAt = Math.max(state.lastReceivedAt, receivedAt);
    if (state.latencies.length === state.expected) {
      state.eluEnd = performance.eventLoopUtilization();
      state.waiter?.();
    }
  }

  /** Waits until the run is complete or `timeoutMs` passed, then reports and forgets it. */
  async wait(run: string, timeoutMs: number): Promise<RunReport | undefined> {
    const state = this.runs.get(run);
    if (!state) return undefined;
    if (state.latencies.length < state.expected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        state.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.runs.delete(run);
    const end = state.eluEnd ?? performance.eventLoopUtilization();
    return {
      received: state.latencies.length,
      expected: state.expected,
      latencies: state.latencies,
      firstSentAt: state.firstSentAt,
      lastReceivedAt: state.lastReceivedAt,
      wrong: state.wrong,
      elu: performance.eventLoopUtilization(end, state.eluStart).utilization,
    };
  }
}
