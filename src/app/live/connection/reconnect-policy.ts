import { neverExpires } from '../../core/expiry';

/** How a monitor waits between connection attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** Longest delay, before jitter. */
  readonly maxMs: number;
  /** A connection that lived this long resets the delay to `baseMs`. */
  readonly stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000, stableMs: 10_000 };

/**
 * Exponential backoff with "equal jitter": each delay is half fixed, half random, so monitors
 * that lost the broker together (a server restart) do not all come back in the same instant.
 */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly random: () => number,
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** Attempts made since the last stable connection. */
  get attempt(): number {
    return this.attempts;
  }

  /** The delay before the next attempt, in ms; each call counts one attempt. */
  nextDelay(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** this.attempts);
    this.attempts++;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** A connection ended after `livedMs`: a long-lived one starts the backoff afresh. */
  sessionEnded(livedMs: number): void {
    if (livedMs >= this.options.stableMs) this.attempts = 0;
  }

  reset(): void {
    this.attempts = 0;
  }
}

/** When a run of short connections counts as a reconnect storm. */
export interface StormGuardOptions {
  /** A connection closed by the broker sooner than this after CONNACK is "short". */
  readonly shortSessionMs: number;
  /** This many short connections... */
  readonly limit: number;
  /** ...within this window make a storm. */
  readonly windowMs: number;
}

export const DEFAULT_STORM_GUARD: StormGuardOptions = {
  shortSessionMs: 5000,
  limit: 3,
  windowMs: 60_000,
};

/**
 * Detects the loop Kii's MQTT guide warns about: another client connects with the same client
 * ID, the broker closes our connection, we reconnect and close theirs, and both keep taking
 * each other over. A broker that is down never accepts the CONNECT, so its failures are not
 * sessions and never trip the guard; neither does one drop after a long, healthy connection.
 */
export class StormGuard {
  private shortEnds: number[] = [];

  constructor(private readonly options: StormGuardOptions = DEFAULT_STORM_GUARD) {}

  /** Short sessions counted in the current window. */
  get count(): number {
    return this.shortEnds.length;
  }

  /**
   * The broker closed a connection that it had accepted `livedMs` earlier, at `now`.
   * Returns true when that makes a storm.
   */
  sessionEnded(livedMs: number, now: number): boolean {
    this.shortEnds = this.shortEnds.filter((at) => now - at < this.options.windowMs);
    if (livedMs >= this.options.shortSessionMs) return false;
    this.shortEnds.push(now);
    return this.shortEnds.length >= this.options.limit;
  }

  reset(): void {
    this.shortEnds = [];
  }
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long to wait before fetching a new endpoint, given its `X-MQTT-TTL` in seconds: a tenth
 * of the TTL ahead of expiry (1 s to 60 s). Null when the credentials never expire (Kii Cloud's
 * 2147483647 s). A TTL longer than a timer can wait (about 24.8 days) is refreshed at that
 * limit instead, early rather than never.
 */
export function refreshDelayMs(ttlSeconds: number): number | null {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) return 0;
  if (neverExpires(ttlSeconds)) return null;
  const ttlMs = ttlSeconds * 1000;
  const margin = Math.min(60_000, Math.max(1000, ttlMs / 10));
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.floor(ttlMs - margin)));
}
