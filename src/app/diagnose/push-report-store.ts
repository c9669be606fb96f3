import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, of, switchMap, tap } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import { OutcomeRow, PushReport, PushTrace } from '../core/kii/push-trace';
import { RecentSend, RecentSends } from '../compose/recent-sends';

/** Rows per read: the server's default page (docs/kii-api.md §13.3). */
export const REPORT_PAGE_SIZE = 100;

/** A read of the report: its first page, or the page after `paginationKey`. */
interface PageRequest {
  readonly pushMessageID: string;
  readonly paginationKey: string | null;
}

/**
 * One push's report (the store shape of `core/action-runner.ts`): the ledger's summary and
 * its rows, read a page at a time as the operator asks for more; on Kii Cloud, which keeps no
 * report, this tab's record of sending it. Provided by the report page.
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
    loadingMore: false,
    moreError: null as KiiError | null,
  });
  // One stream for first pages and later ones: opening another push cancels a page in flight.
  private readonly pages = new Subject<PageRequest>();

  readonly traced = this.trace.available;
  /** The summary with every row read so far; `nextKey` is null once all kept rows are in. */
  readonly report = computed(() => this.state().report);
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);
  /** True while the next page of rows is read. */
  readonly loadingMore = computed(() => this.state().loadingMore);
  /** Why the last "more rows" read failed; the rows read before stay shown. */
  readonly moreError = computed(() => this.state().moreError);
  /** This tab's record of sending the push, if it did. */
  readonly sent = computed<RecentSend | null>(() => {
    const id = this.state().pushMessageID;
    return this.recentSends.entries().find((s) => s.pushMessageID === id) ?? null;
  });

  constructor() {
    this.pages
      .pipe(
        switchMap((request) => this.load$(request)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Shows a push; reads the ledger's first page when the trace is there. */
  open(pushMessageID: string, traced: boolean): void {
    this.state.set({
      pushMessageID,
      report: null,
      loading: false,
      loadError: null,
      loadingMore: false,
      moreError: null,
    });
    if (traced) this.pages.next({ pushMessageID, paginationKey: null });
  }

  retry(): void {
    this.pages.next({ pushMessageID: this.state().pushMessageID, paginationKey: null });
  }

  /** Reads the next page of rows, unless one is being read or none is left. */
  more(): void {
    const { pushMessageID, report, loadingMore } = this.state();
    if (!report?.nextKey || loadingMore) return;
    this.pages.next({ pushMessageID, paginationKey: report.nextKey });
  }

  private load$({ pushMessageID, paginationKey }: PageRequest): Observable<unknown> {
    const first = paginationKey === null;
    this.state.update((s) =>
      first
        ? { ...s, loading: true, loadError: null, loadingMore: false, moreError: null }
        : { ...s, loadingMore: true, moreError: null },
    );
    const options = {
      limit: REPORT_PAGE_SIZE,
      ...(paginationKey === null ? {} : { paginationKey }),
    };
    return this.trace.report$(pushMessageID, options).pipe(
      tap((page) =>
        this.state.update((s) => ({
          ...s,
          report: first ? page : appended(s.report, page),
          loading: false,
          loadingMore: false,
        })),
      ),
      catchError((error: unknown) => {
        const failure = toKiiError(error);
        this.state.update((s) =>
          first
            ? { ...s, loading: false, loadError: failure }
            : { ...s, loadingMore: false, moreError: failure },
        );
        return of(null);
      }),
    );
  }
}

/** The rows so far plus a later page; the newer summary, as counts grow while writes settle. */
function appended(before: PushReport | null, page: PushReport): PushReport {
  const rows: readonly OutcomeRow[] = [...(before?.rows ?? []), ...page.rows];
  return { summary: page.summary, rows, nextKey: page.nextKey };
}
