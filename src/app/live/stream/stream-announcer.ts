import { LiveAnnouncer } from '@angular/cdk/a11y';
import { DestroyRef, Injectable, InjectionToken, inject } from '@angular/core';

import { LIVE_CLOCK } from '../live-clock';

/** How often, at most, a screen reader hears how many messages arrived. */
export const STREAM_ANNOUNCE_INTERVAL_MS = new InjectionToken<number>(
  'STREAM_ANNOUNCE_INTERVAL_MS',
  { providedIn: 'root', factory: () => 10_000 },
);

/**
 * Tells screen-reader users what the live stream does without reading it out: at most one
 * polite announcement per interval with the number of messages that arrived meanwhile (none
 * when nothing came), and the page's own state changes (paused, cleared) when they happen.
 * Announcing per message would drown every other announcement at a few messages per second.
 */
@Injectable()
export class StreamAnnouncer {
  private readonly announcer = inject(LiveAnnouncer);
  private readonly clock = inject(LIVE_CLOCK);
  private readonly intervalMs = inject(STREAM_ANNOUNCE_INTERVAL_MS);
  private cancel: (() => void) | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.cancel?.());
  }

  /**
   * Starts counting arrivals through `received`: the total received across monitors. It may
   * go down (a clear, a removed monitor); only increases are arrivals.
   */
  watch(received: () => number): void {
    this.cancel?.();
    let seen = received();
    const check = () => {
      const total = received();
      const arrived = total - seen;
      seen = total;
      if (arrived > 0) {
        // $localize has no plural forms at run time: one message for one, one for more.
        this.say(
          arrived === 1
            ? $localize`:Screen-reader announcement, one new message arrived in the live stream@@kpc.live.announceArrival:1 new message`
            : $localize`:Screen-reader announcement of new messages in the live stream; COUNT is how many (2 or more)@@kpc.live.announceArrivals:${arrived}:COUNT: new messages`,
        );
      }
      this.cancel = this.clock.setTimeout(check, this.intervalMs);
    };
    this.cancel = this.clock.setTimeout(check, this.intervalMs);
  }

  /** Announces a state change now (politely: it waits for the screen reader to finish). */
  say(text: string): void {
    void this.announcer.announce(text, 'polite');
  }
}
