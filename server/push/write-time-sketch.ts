/**
 * Relative accuracy of the quantiles: a reported p50 or p99 lies within 1 % of the recorded
 * value of that rank (for 300 ms, within 297-303 ms). This is DDSketch's log-spaced histogram
 * (Masson, Rim and Lee, VLDB 2019): bucket i holds the values in (γ^(i-1), γ^i], and answering
 * the midpoint 2γ^i / (γ + 1) is off by at most ALPHA of any value in it.
 */
export const SKETCH_RELATIVE_ERROR = 0.01;

const GAMMA = (1 + SKETCH_RELATIVE_ERROR) / (1 - SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values up to 2^31 ms (24 days) get their own bucket; longer ones share the last. */
const MAX_INDEX = Math.ceil(Math.log(2 ** 31) / LOG_GAMMA);

/**
 * Milliseconds from a push's send to each write, summarised in fixed memory: 1,077 counters
 * (4.2 KiB) whether the push has ten recipients or a million, and O(1) per value, where the
 * sorted list it replaces held 8 bytes per delivery and sorted them when the push settled.
 * The minimum and maximum are exact.
 */
export class WriteTimeSketch {
  /** Slot 0 counts values under 1 ms (Date.now() makes them 0); slot i + 1 is bucket i. */
  private readonly counts = new Uint32Array(MAX_INDEX + 2);
  private n = 0;
  private min = Infinity;
  private max = -Infinity;

  get count(): number {
    return this.n;
  }

  add(ms: number): void {
    // A clock stepping back must not index below the first slot.
    const value = ms > 0 ? ms : 0;
    const slot = value < 1 ? 0 : Math.min(MAX_INDEX, Math.ceil(Math.log(value) / LOG_GAMMA)) + 1;
    this.counts[slot]++;
    this.n++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /**
   * The value of rank ceil(q x n), as the sorted list answered it, to within the relative error
   * above (exact under 1 ms and at the extremes); NaN when nothing was added.
   */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    if (rank >= this.n) return this.max;
    let seen = 0;
    for (let slot = 0; slot < this.counts.length; slot++) {
      seen += this.counts[slot];
      if (seen < rank) continue;
      if (slot === 0) return this.min;
      const estimate = (2 * GAMMA ** (slot - 1)) / (GAMMA + 1);
      return Math.min(this.max, Math.max(this.min, estimate));
    }
    return this.max;
  }

  summary(): { p50: number; p99: number; max: number } | null {
    if (this.n === 0) return null;
    return { p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.max };
  }
}
