import { Injectable, computed, signal } from '@angular/core';

/**
 * How this console was served: `team` by the console server (people sign in; Kii is reached
 * only through /team/api), `browser` by the local Kii server, `ng serve` or any static host
 * (credentials are typed into Connect and the browser talks to Kii itself).
 */
export type ConsoleModeKind = 'team' | 'browser';

/**
 * The console's mode, decided once at start-up by `TeamSession.detect()` before the first
 * route runs. Facades in core/kii/ pick their transport from it; pages never ask.
 */
@Injectable({ providedIn: 'root' })
export class ConsoleMode {
  private readonly state = signal<ConsoleModeKind>('browser');

  readonly kind = this.state.asReadonly();
  readonly team = computed(() => this.state() === 'team');

  /** Called by the detection (and by specs that run in team mode). */
  set(kind: ConsoleModeKind): void {
    this.state.set(kind);
  }
}
