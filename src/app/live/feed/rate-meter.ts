/** Seconds the chart shows. */
export const RATE_SECONDS = 60;

/**
 * Messages per second over the last minute, in a fixed ring of per-second counters: counting
 * costs one increment, whatever the rate.
 */
export class RateMeter {
  // One slot more than shown: the second in progress.
  private readonly counts = new Uint32Array(RATE_SECONDS + 1);
  private latest = -1;

  /** Counts one message at `now` (epoch ms). */
  add(now: number): void {
    const second = Math.floor(now / 1000);
    this.advance(second);
    if (second > this.latest - this.counts.length) this.counts[second % this.counts.length]++;
  }

  /** The last `RATE_SECONDS` complete seconds before `now`, oldest first. */
  series(now: number): number[] {
    const second = Math.floor(now / 1000);
    this.advance(second);
    const out = new Array<number>(RATE_SECONDS);
    for (let i = 0; i < RATE_SECONDS; i++) {
      out[i] = this.counts[(second - RATE_SECONDS + i) % this.counts.length];
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.latest = -1;
  }

  private advance(second: number): void {
    if (this.latest < 0) {
      this.latest = second;
      return;
    }
    if (second <= this.latest) return;
    const stale = Math.min(second - this.latest, this.counts.length);
    for (let i = 1; i <= stale; i++) this.counts[(this.latest + i) % this.counts.length] = 0;
    this.latest = second;
  }
}
