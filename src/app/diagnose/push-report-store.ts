import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, of, switchMap, tap } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import { PushReport, PushTrace } from '../core/kii/push-trace';
import { RecentSend, RecentSends } from '../compose/recent-sends';

/**
 * One push's report (the store shape of `core/action-runner.ts`): the ledger's summary and
 * first page of rows with the trace; on Kii Cloud, which keeps no report, this tab's record of
 * sending it. Provided by the report page.
 */
@Injectable()
export class PushReportStore {
  private readonly trace = inject(PushTrace);
  private readonly recentSends = inject(RecentSends);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal({
    pushMessageID: '',
    report: null as PushReport | null,
    loading: false,
    loadError: null as KiiError | null,
  });
  private readonly loads = new Subject<string>();

  readonly traced = this.trace.available;
  readonly report = computed(() => this.state().report);
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);
  /** This tab's record of sending the push, if it did. */
  readonly sent = computed<RecentSend | null>(() => {
    const id = this.state().pushMessageID;
    return this.recentSends.entries().find((s) => s.pushMessageID === id) ?? null;
  });

  constructor() {
    this.loads
      .pipe(
        switchMap((id) => this.load$(id)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Shows a push; reads the ledger when the trace is there. */
  open(pushMessageID: string, traced: boolean): void {
    this.state.update((s) => ({ ...s, pushMessageID, report: null, loadError: null }));
    if (traced) this.loads.next(pushMessageID);
  }

  retry(): void {
    this.loads.next(this.state().pushMessageID);
  }

  private load$(pushMessageID: string): Observable<unknown> {
    this.state.update((s) => ({ ...s, loading: true, loadError: null }));
    return this.trace.report$(pushMessageID).pipe(
      tap((report) => this.state.update((s) => ({ ...s, report, loading: false }))),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, loading: false, loadError: toKiiError(error) }));
        return of(null);
      }),
    );
  }
}
