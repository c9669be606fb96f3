import { Signal, WritableSignal, signal } from '@angular/core';

import { LiveClock } from '../live-clock';
import { LiveMessage, decodePayload } from './live-message';
import { DEFAULT_BUFFER_CAPACITY, MessageBuffer } from './message-buffer';
import { CompiledFilter, MessageFilter, NO_FILTER, compileFilter } from './message-filter';
import { RATE_SECONDS, RateMeter } from './rate-meter';

/** The counters a monitor always shows. */
export interface FeedCounters {
  /** Messages received since the start or the last clear. */
  readonly received: number;
  /** Messages in the view: buffered and matching the filter (frozen while paused). */
  readonly shown: number;
  /** Messages pushed out of the full buffer by newer ones. */
  readonly dropped: number;
  /** Messages in the buffer now. */
  readonly buffered: number;
  readonly capacity: number;
}

const NO_COUNTS: Omit<FeedCounters, 'capacity'> = {
  received: 0,
  shown: 0,
  dropped: 0,
  buffered: 0,
};

/** Stamped on every message a feed takes in. */
export interface FeedSource {
  readonly monitorId: string;
  /** The monitor's short name (the stream's monitor column, exports). */
  readonly label: string;
  /** The local server's tap: payloads come wrapped with their routing. */
  readonly tapped: boolean;
}

/** The live area's render loop as a feed uses it (`LiveFrames` in the app). */
export interface FrameQueue {
  /** Runs `job` before the next frame; a second request with the same `key` replaces it. */
  request(key: object, job: () => void): void;
  /** Forgets a queued job. */
  cancelJob(key: object): void;
}

/** What every feed shares. */
export interface FeedDeps {
  readonly frames: FrameQueue;
  readonly clock: Pick<LiveClock, 'now'>;
  /** The next message number, app-wide: the stream merges the monitors by arrival order. */
  readonly sequence: () => number;
}

/**
 * The table takes new rows at most this often; counters still change every frame. Nobody reads
 * rows scrolling by at a thousand a second, and redrawing the table at 60 Hz would take the
 * main thread from the messages. A quiet stream still shows each message on the next frame.
 */
export const ROWS_INTERVAL_MS = 150;

/**
 * What one monitor received: the bounded buffer, its filtered view, pause, counters and the
 * per-second rate. The link hands every PUBLISH straight to `take` (no signal touched); the
 * feed then asks the frame loop for one publish before the next frame, the only place the
 * view's signals change, so a thousand messages a second still change the view once a frame.
 */
export class MonitorFeed {
  private readonly buffer: MessageBuffer<LiveMessage>;
  private readonly meter = new RateMeter();
  private compiled = compileFilter(NO_FILTER) as Extract<CompiledFilter, { ok: true }>;
  // Arrived since the last publish, oldest first.
  private pending: LiveMessage[] = [];
  // Buffered messages that match the filter, oldest first, from `matchesHead` on.
  private matches: LiveMessage[] = [];
  private matchesHead = 0;
  private dirty = false;
  private rateDue = false;
  private queued = false;
  private rowsAt = Number.NEGATIVE_INFINITY;

  private readonly rowsSignal = signal<readonly LiveMessage[]>([]);
  private readonly countersSignal: WritableSignal<FeedCounters>;
  private readonly pausedSignal = signal(false);
  private readonly filterSignal = signal<MessageFilter>(NO_FILTER);
  private readonly filterErrorSignal = signal<string | null>(null);
  private readonly rateSignal = signal<readonly number[]>(new Array<number>(RATE_SECONDS).fill(0));

  /** The view, oldest first: buffered messages that match the filter (frozen while paused). */
  readonly rows: Signal<readonly LiveMessage[]> = this.rowsSignal.asReadonly();
  readonly counters: Signal<FeedCounters>;
  readonly paused: Signal<boolean> = this.pausedSignal.asReadonly();
  readonly filter: Signal<MessageFilter> = this.filterSignal.asReadonly();
  /** Why the filter last typed could not be used (the previous one stays in force). */
  readonly filterError: Signal<string | null> = this.filterErrorSignal.asReadonly();
  /** Messages per second over the last minute, oldest first. */
  readonly rate: Signal<readonly number[]> = this.rateSignal.asReadonly();

  constructor(
    private readonly source: FeedSource,
    private readonly deps: FeedDeps,
    capacity = DEFAULT_BUFFER_CAPACITY,
  ) {
    this.buffer = new MessageBuffer<LiveMessage>(capacity);
    this.countersSignal = signal<FeedCounters>({ ...NO_COUNTS, capacity: this.buffer.capacity });
    this.counters = this.countersSignal.asReadonly();
  }

  /** Takes one PUBLISH in as it arrives, outside change detection (the hot path). */
  take(topic: string, payload: Uint8Array): void {
    const { text, binary } = decodePayload(payload);
    const { monitorId, label, tapped } = this.source;
    const now = this.deps.clock.now();
    const seq = this.deps.sequence();
    this.add(
      new LiveMessage(seq, monitorId, label, now, topic, text, binary, payload.byteLength, tapped),
    );
  }

  /** Takes one message in (no signals, no parsing unless a filter needs it). */
  add(message: LiveMessage): void {
    this.buffer.push(message);
    this.meter.add(message.receivedAt);
    this.pending.push(message);
    // Without frames (a hidden tab) pending must not outgrow what the buffer still holds.
    if (this.pending.length >= 2 * this.buffer.capacity) {
      this.pending.splice(0, this.pending.length - this.buffer.capacity);
    }
    this.markDirty();
  }

  /** Asks for the rate chart to move on a second (once a second, messages or not). */
  tickRate(): void {
    this.rateDue = true;
    this.queue();
  }

  /** Stops asking for frames (the monitor is removed). */
  dispose(): void {
    this.deps.frames.cancelJob(this);
    this.queued = false;
  }

  // The one job this feed queues, run in the next animation frame.
  private readonly flush = (): void => {
    this.queued = false;
    const now = this.deps.clock.now();
    if (this.rateDue) {
      this.rateDue = false;
      this.rateSignal.set(this.meter.series(now));
    }
    if (this.dirty) this.publish(now);
  };

  /** Moves what arrived into the view and the counters. */
  private publish(now: number): void {
    this.dirty = false;
    const oldest = this.buffer.oldest()?.seq ?? Number.POSITIVE_INFINITY;
    const { active, matches } = this.compiled;
    for (const message of this.pending) {
      if (message.seq >= oldest && (!active || matches(message))) this.matches.push(message);
    }
    this.pending = [];
    while (this.matchesHead < this.matches.length && this.matches[this.matchesHead].seq < oldest) {
      this.matchesHead++;
    }
    // Compact now and then, so dropping from the front stays O(1) on average.
    if (this.matchesHead > 1024 && this.matchesHead * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.matchesHead);
      this.matchesHead = 0;
    }
    if (!this.pausedSignal()) {
      if (now - this.rowsAt >= ROWS_INTERVAL_MS) {
        this.rowsSignal.set(this.matches.slice(this.matchesHead));
        this.rowsAt = now;
      } else {
        // Come back on a later frame, even if nothing else arrives.
        this.markDirty();
      }
    }
    this.countersSignal.set({
      received: this.buffer.received,
      shown: this.rowsSignal().length,
      dropped: this.buffer.dropped,
      buffered: this.buffer.size,
      capacity: this.buffer.capacity,
    });
  }

  /** Freezes the view; messages keep arriving, counting and buffering. */
  pause(): void {
    this.pausedSignal.set(true);
  }

  /** Shows everything buffered that matches, including what came while paused. */
  resume(): void {
    this.pausedSignal.set(false);
    this.rowsAt = Number.NEGATIVE_INFINITY;
    this.markDirty();
  }

  /** Empties the buffer and the view and resets the counters. */
  clear(): void {
    this.buffer.clear();
    this.pending = [];
    this.matches = [];
    this.matchesHead = 0;
    this.rowsSignal.set([]);
    this.rowsAt = Number.NEGATIVE_INFINITY;
    this.markDirty();
  }

  /** Applies a filter to everything buffered; an unusable filter is reported, not applied. */
  setFilter(filter: MessageFilter): void {
    const compiled = compileFilter(filter);
    this.filterSignal.set(filter);
    if (!compiled.ok) {
      this.filterErrorSignal.set(compiled.error);
      return;
    }
    this.filterErrorSignal.set(null);
    this.compiled = compiled;
    this.pending = [];
    this.matches = compiled.active
      ? this.buffer.toArray().filter(compiled.matches)
      : this.buffer.toArray();
    this.matchesHead = 0;
    this.rowsSignal.set(this.matches.slice());
    this.rowsAt = Number.NEGATIVE_INFINITY;
    this.markDirty();
  }

  /** Changes how many messages the buffer keeps (the oldest that no longer fit are dropped). */
  setCapacity(capacity: number): void {
    this.buffer.resize(capacity);
    this.markDirty();
  }

  /** A copy of the buffer, oldest first (whatever the filter). */
  buffered(): LiveMessage[] {
    return this.buffer.toArray();
  }

  private markDirty(): void {
    this.dirty = true;
    this.queue();
  }

  private queue(): void {
    if (this.queued) return;
    this.queued = true;
    this.deps.frames.request(this, this.flush);
  }
}
