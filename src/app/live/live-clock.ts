import { DOCUMENT } from '@angular/common';
import { InjectionToken, inject } from '@angular/core';

/**
 * Time for the monitors: reconnect backoff, the storm guard's window, endpoint TTL refresh and
 * the rate chart. Specs provide `FakeLiveClock` (src/testing/) and move time by hand.
 */
export interface LiveClock {
  /** Epoch ms. */
  now(): number;
  /** Runs `callback` after `ms`; the returned function cancels it. */
  setTimeout(callback: () => void, ms: number): () => void;
  /** In [0, 1): the backoff's jitter. */
  random(): number;
}

export const LIVE_CLOCK = new InjectionToken<LiveClock>('LIVE_CLOCK', {
  providedIn: 'root',
  factory: () => ({
    now: () => Date.now(),
    setTimeout: (callback, ms) => {
      const handle = setTimeout(callback, ms);
      return () => clearTimeout(handle);
    },
    random: () => Math.random(),
  }),
});

/**
 * Runs work right before the next paint. Messages are buffered as they come and published to
 * the view here, so the page renders at most once per frame whatever the message rate.
 */
export interface FrameScheduler {
  /** Runs `callback` before the next frame; the returned function cancels it. */
  request(callback: () => void): () => void;
}

export const FRAME_SCHEDULER = new InjectionToken<FrameScheduler>('FRAME_SCHEDULER', {
  providedIn: 'root',
  factory: () => {
    const view = inject(DOCUMENT).defaultView!;
    return {
      request: (callback) => {
        const handle = view.requestAnimationFrame(() => callback());
        return () => view.cancelAnimationFrame(handle);
      },
    };
  },
});
