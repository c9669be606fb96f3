import { SKETCH_RELATIVE_ERROR, WriteTimeSketch } from './write-time-sketch';

/** The rank the ledger always reported: the sorted list's element ceil(q x n). */
function exact(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(1, Math.ceil(q * sorted.length)) - 1)];
}

describe('WriteTimeSketch', () => {
  it('answers p50 and p99 within 1 % of the exact rank for skewed, spread and integer data', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) as number;
    const sets = {
      'long tail': Array.from({ length: 20_000 }, () => Math.round(-300 * Math.log(random()))),
      'six decades': Array.from({ length: 5_000 }, () => 10 ** (random() * 6)),
      'one value': Array.from({ length: 100 }, () => 544),
      'mostly under a millisecond': Array.from({ length: 1_000 }, (_, i) => (i < 700 ? 0 : i)),
    };
    for (const [name, values] of Object.entries(sets)) {
      const sketch = new WriteTimeSketch();
      for (const v of values) sketch.add(v);
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0.01, 0.5, 0.9, 0.99, 0.999]) {
        const want = exact(sorted, q);
        const got = sketch.quantile(q);
        expect(Math.abs(got - want))
          .withContext(`${name} q=${q}: ${got} for ${want}`)
          .toBeLessThanOrEqual(want * SKETCH_RELATIVE_ERROR + 1e-9);
      }
      expect(sketch.summary()!.max).toBe(sorted[sorted.length - 1]);
      expect(sketch.count).toBe(values.length);
    }
  });

  it('keeps its size for a million values, clamps negative times to 0 and is null when empty', () => {
    const sketch = new WriteTimeSketch();
    expect(sketch.summary()).toBeNull();
    const before = Object.values(sketch).find((v) => v instanceof Uint32Array) as Uint32Array;
    for (let i = 0; i < 1_000_000; i++) sketch.add(i % 2_000);
    const after = Object.values(sketch).find((v) => v instanceof Uint32Array) as Uint32Array;
    expect(after).toBe(before);
    expect(after.byteLength).toBeLessThan(5 * 1024);
    expect(Math.abs(sketch.quantile(0.5) - 999)).toBeLessThanOrEqual(999 * SKETCH_RELATIVE_ERROR);
    sketch.add(-5);
    expect(sketch.quantile(0)).toBe(0);
    // Longer than 24 days shares the last bucket, and the exact maximum still caps the answer.
    sketch.add(2 ** 40);
    expect(sketch.summary()!.max).toBe(2 ** 40);
  });
});
