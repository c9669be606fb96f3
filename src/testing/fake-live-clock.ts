import { FrameScheduler, LiveClock } from '../app/live/live-clock';

/** 2026-01-05 09:00:00 UTC: where fake time starts. */
export const FAKE_CLOCK_START = Date.UTC(2026, 0, 5, 9, 0, 0);

/**
 * Time that moves only when the spec says so. Timers run in due order, including ones they
 * schedule while time advances; `random()` answers from `randoms`, then 0.5.
 */
export class FakeLiveClock implements LiveClock {
  private time = FAKE_CLOCK_START;
  private timers: { at: number; id: number; callback: () => void }[] = [];
  private ids = 0;
  readonly randoms: number[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): () => void {
    const timer = { at: this.time + Math.max(0, ms), id: ++this.ids, callback };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }

  random(): number {
    return this.randoms.shift() ?? 0.5;
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, running every timer that comes due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
}

/** Animation frames that come when the spec calls `flush()`. */
export class FakeFrames implements FrameScheduler {
  private callbacks: (() => void)[] = [];
  /** Frames that ran. */
  count = 0;

  request(callback: () => void): () => void {
    this.callbacks.push(callback);
    return () => (this.callbacks = this.callbacks.filter((c) => c !== callback));
  }

  /** Frames requested and not yet run. */
  get pending(): number {
    return this.callbacks.length;
  }

  /** Runs one frame: every callback requested so far. */
  flush(): void {
    const callbacks = this.callbacks;
    this.callbacks = [];
    if (callbacks.length) this.count++;
    for (const callback of callbacks) callback();
  }
}

/** Lets promise callbacks (the MQTT factory's) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
