import { Backoff, StormGuard, refreshDelayMs } from './reconnect-policy';

describe('Backoff', () => {
  it('doubles up to the maximum, half fixed and half random', () => {
    const randoms = [0, 1, 0.5, 0, 0, 0, 0, 0];
    const backoff = new Backoff(() => randoms.shift() ?? 0, {
      baseMs: 1000,
      maxMs: 8000,
      stableMs: 10_000,
    });
    expect(backoff.nextDelay()).toBe(500);
    expect(backoff.nextDelay()).toBe(2000);
    expect(backoff.nextDelay()).toBe(3000);
    expect(backoff.nextDelay()).toBe(4000);
    expect(backoff.nextDelay()).toBe(4000);
    expect(backoff.attempt).toBe(5);
  });

  it('starts over after a stable connection, not after a short one', () => {
    const backoff = new Backoff(() => 1);
    backoff.nextDelay();
    backoff.nextDelay();
    backoff.sessionEnded(9_999);
    expect(backoff.nextDelay()).toBe(4000);
    backoff.sessionEnded(10_000);
    expect(backoff.nextDelay()).toBe(1000);
  });
});

describe('StormGuard', () => {
  it('trips on the third short session within a minute', () => {
    const guard = new StormGuard();
    expect(guard.sessionEnded(800, 0)).toBeFalse();
    expect(guard.sessionEnded(1200, 3000)).toBeFalse();
    expect(guard.sessionEnded(4999, 7000)).toBeTrue();
  });

  it('ignores long sessions and short ones that are far apart', () => {
    const guard = new StormGuard();
    expect(guard.sessionEnded(5000, 0)).toBeFalse();
    expect(guard.sessionEnded(100, 1000)).toBeFalse();
    expect(guard.sessionEnded(100, 40_000)).toBeFalse();
    expect(guard.sessionEnded(100, 70_000)).toBeFalse();
    expect(guard.count).toBe(2);
    guard.reset();
    expect(guard.count).toBe(0);
  });
});

describe('refreshDelayMs', () => {
  it('refreshes a tenth of the TTL early, between 1 s and 60 s', () => {
    expect(refreshDelayMs(3600)).toBe(3_540_000);
    expect(refreshDelayMs(100)).toBe(90_000);
    expect(refreshDelayMs(5)).toBe(4000);
    expect(refreshDelayMs(1)).toBe(0);
  });

  it('never refreshes credentials that do not expire (Kii Cloud answers 2147483647 s)', () => {
    expect(refreshDelayMs(2147483647)).toBeNull();
  });

  it('refreshes a TTL longer than a timer can wait at that limit, early rather than never', () => {
    const thirtyDays = 30 * 24 * 3600;
    expect(refreshDelayMs(thirtyDays)).toBe(2 ** 31 - 1);
  });

  it('refreshes at once for a TTL that has run out', () => {
    expect(refreshDelayMs(0)).toBe(0);
  });
});
