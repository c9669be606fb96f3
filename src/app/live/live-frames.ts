import { ApplicationRef, DestroyRef, Injectable, inject } from '@angular/core';

import { FRAME_SCHEDULER } from './live-clock';

/**
 * The live area's one render loop. Whatever changes the live views (published messages,
 * counters, the rate chart, the stream's scroll window) is queued here and runs in one
 * animation frame callback, followed by one change detection pass before that frame paints:
 * change detection runs at most once per frame whatever the message rate.
 */
@Injectable({ providedIn: 'root' })
export class LiveFrames {
  private readonly frames = inject(FRAME_SCHEDULER);
  private readonly appRef = inject(ApplicationRef);
  private readonly jobs = new Map<object, () => void>();
  private cancel: (() => void) | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.cancel?.();
      this.cancel = null;
      this.jobs.clear();
    });
  }

  /** Runs `job` before the next frame; a second request with the same `key` replaces it. */
  request(key: object, job: () => void): void {
    this.jobs.set(key, job);
    if (this.cancel) return;
    this.cancel = this.frames.request(() => {
      this.cancel = null;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      for (const run of jobs) run();
      // Render before this frame paints: left to the scheduler, the tick would run in a task
      // after the frame and show the change a frame later. The scheduler's own tick then
      // finds nothing dirty and does nothing.
      queueMicrotask(() => {
        if (!this.appRef.destroyed) this.appRef.tick();
      });
    });
  }

  /** Forgets a queued job. */
  cancelJob(key: object): void {
    this.jobs.delete(key);
  }
}
