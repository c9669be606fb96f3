import { DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, catchError, finalize, map, of, tap } from 'rxjs';

import { KiiError, toKiiError } from './kii-error';
import { Notifier } from './notifier';

/*
 * The console's one store shape, and the one way a store runs an action.
 *
 * A store is an `@Injectable()` class named for its page (`TopicsStore`), provided by that
 * page, or in root when its state must outlive the page (Compose's draft, the live monitors).
 * - State sits in private signals, read through `computed()` or `asReadonly()`, and changes
 *   only by copy-then-set (`state.update((s) => ({ ...s, ... }))`).
 * - Loads go through a Subject and `switchMap` in the constructor, so a newer load replaces
 *   one under way. A failed load is state (`loadError`): the page renders it inline with Retry.
 * - Actions run through the store's `ActionRunner`: at most one per key at a time (`pending`
 *   drives the page's spinners and disabled buttons), a failure reported by the runner to the
 *   `Notifier` under what was tried, and the outcome returned as an `ActionResult`. A caller
 *   that shows the failure beside what the operator typed (the install dialog, the Compose
 *   page's monitor panel) asks for it unreported: it is still logged.
 * Pages never report a store's failures, and the Kii services in `core/kii/` never report:
 * they fail with a `KiiError` and leave that to the store that called them.
 */

/** How an action ended: its value, or the one typed error. */
export type ActionResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: KiiError };

/** `work$` as `ActionResult`s: one per value, and one for a failure; it never errors. */
export function runAction$<T>(work$: Observable<T>): Observable<ActionResult<T>> {
  return work$.pipe(
    map((value): ActionResult<T> => ({ ok: true, value })),
    catchError((error: unknown) => of<ActionResult<T>>({ ok: false, error: toKiiError(error) })),
  );
}

/** Options of one action. */
export interface ActionOptions {
  /** Runs are refused while one with the same key runs; none: no limit. */
  readonly key?: string;
  /** False when the caller shows the failure itself (it is still logged). */
  readonly report?: boolean;
}

/**
 * Runs a store's actions (see the store shape above). Create one per store, in a field
 * initialiser, so it shares the store's injector and lifetime.
 */
export class ActionRunner {
  private readonly notifier = inject(Notifier);
  private readonly destroyRef = inject(DestroyRef);
  private readonly keys = signal<ReadonlySet<string>>(new Set());
  private anonymous = 0;

  /** Keys of the running actions; unkeyed ones appear under a generated `#n` key. */
  readonly pending = this.keys.asReadonly();

  /**
   * Runs `work$` once subscribed and emits its outcome, a failure reported as `label`
   * ("Deleting topic news"). Completes without a value when an action with the same key runs.
   */
  run$<T>(
    label: string,
    work$: Observable<T>,
    options: ActionOptions = {},
  ): Observable<ActionResult<T>> {
    return new Observable<ActionResult<T>>((subscriber) => {
      const key = options.key ?? `#${++this.anonymous}`;
      if (this.keys().has(key)) {
        subscriber.complete();
        return undefined;
      }
      this.setPending(key, true);
      return runAction$(work$)
        .pipe(
          tap((result) => {
            if (result.ok) return;
            if (options.report === false) console.error(label, result.error);
            else this.notifier.failed(label, result.error);
          }),
          finalize(() => this.setPending(key, false)),
        )
        .subscribe(subscriber);
    });
  }

  /** `run$` for the store's own use: `done` gets each value; it stops with the store. */
  run<T>(
    label: string,
    work$: Observable<T>,
    options: ActionOptions = {},
    done: (value: T) => void = () => undefined,
  ): void {
    this.run$(label, work$, options)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((result) => {
        if (result.ok) done(result.value);
      });
  }

  private setPending(key: string, on: boolean): void {
    this.keys.update((keys) => {
      const next = new Set(keys);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }
}
