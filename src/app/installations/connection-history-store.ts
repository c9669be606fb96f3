import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, of, switchMap, tap } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import { ConnectionHistory, PushTrace } from '../core/kii/push-trace';

/**
 * An installation's MQTT connections from the local server's trace extension (the store
 * shape of `core/action-runner.ts`); nothing is loaded where the extension is absent.
 * Provided by the installation detail page.
 */
@Injectable()
export class ConnectionHistoryStore {
  private readonly trace = inject(PushTrace);
  private readonly destroyRef = inject(DestroyRef);
  private readonly state = signal({
    installationID: '',
    history: null as ConnectionHistory | null,
    loading: false,
    loadError: null as KiiError | null,
  });
  private readonly loads = new Subject<string>();

  /** Whether the timeline exists at all for this session. */
  readonly available = computed(() => this.trace.available() === true);
  readonly history = computed(() => this.state().history);
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);

  constructor() {
    this.loads
      .pipe(
        switchMap((id) => this.load$(id)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Loads the installation's connections, if the trace is there. */
  open(installationID: string): void {
    this.state.update((s) => ({ ...s, installationID, history: null, loadError: null }));
    if (this.available()) this.loads.next(installationID);
  }

  /** Loads again (Retry, or to see what changed). */
  refresh(): void {
    if (this.available()) this.loads.next(this.state().installationID);
  }

  private load$(installationID: string): Observable<unknown> {
    this.state.update((s) => ({ ...s, loading: true, loadError: null }));
    return this.trace.connections$(installationID).pipe(
      tap((history) => this.state.update((s) => ({ ...s, history, loading: false }))),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, loading: false, loadError: toKiiError(error) }));
        return of(null);
      }),
    );
  }
}
