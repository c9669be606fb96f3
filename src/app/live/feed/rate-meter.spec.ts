import { FAKE_CLOCK_START } from '../../../testing/fake-live-clock';
import { RATE_SECONDS, RateMeter } from './rate-meter';

describe('RateMeter', () => {
  const t0 = FAKE_CLOCK_START;

  it('counts messages per whole second, oldest first, excluding the second in progress', () => {
    const meter = new RateMeter();
    meter.add(t0 + 10);
    meter.add(t0 + 900);
    meter.add(t0 + 1500);
    const series = meter.series(t0 + 2100);
    expect(series.length).toBe(RATE_SECONDS);
    expect(series.slice(-2)).toEqual([2, 1]);
    expect(series.slice(0, -2).every((n) => n === 0)).toBeTrue();
  });

  it('forgets seconds older than a minute', () => {
    const meter = new RateMeter();
    meter.add(t0);
    expect(meter.series(t0 + 60_000)[0]).toBe(1);
    expect(meter.series(t0 + 61_000).every((n) => n === 0)).toBeTrue();
  });

  it('starts over on reset', () => {
    const meter = new RateMeter();
    meter.add(t0);
    meter.reset();
    expect(meter.series(t0 + 1000).every((n) => n === 0)).toBeTrue();
  });
});
