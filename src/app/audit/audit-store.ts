import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, map, of, startWith, switchMap } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import { AuditEntry, AuditFilters, NO_FILTERS } from './audit-entry';
import { AuditSource } from './audit-source';

interface Load {
  readonly filters: AuditFilters;
  /** Set when loading the page older than what is shown. */
  readonly before?: number;
}

interface State {
  readonly filters: AuditFilters;
  readonly entries: readonly AuditEntry[];
  readonly nextBefore: number | null;
  readonly loading: 'first' | 'more' | null;
  readonly loadError: KiiError | null;
}

/**
 * The Audit page's state: the applied filters, the entries loaded so far (newest first), and
 * keyset paging towards older ones. The store shape of `core/action-runner.ts`: a load goes
 * through a Subject and `switchMap` (new filters replace a load under way) and a failure is
 * `loadError`, shown inline with Retry. Provided by the page.
 */
@Injectable()
export class AuditStore {
  private readonly source = inject(AuditSource);
  private readonly state = signal<State>({
    filters: NO_FILTERS,
    entries: [],
    nextBefore: null,
    loading: null,
    loadError: null,
  });
  private readonly loads = new Subject<Load>();
  private lastLoad: Load = { filters: NO_FILTERS };

  readonly filters = computed(() => this.state().filters);
  readonly entries = computed(() => this.state().entries);
  readonly hasMore = computed(() => this.state().nextBefore !== null);
  /** 'first' while a filter's first page loads, 'more' while older entries load. */
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);
  /** The server's CSV of every entry the applied filters match. */
  readonly csvUrl = computed(() => this.source.csvUrl(this.state().filters));

  constructor() {
    this.loads
      .pipe(
        switchMap((load) => this.load$(load)),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((change) => this.state.update((state) => ({ ...state, ...change })));
  }

  /** Shows the newest entries matching `filters`. */
  apply(filters: AuditFilters): void {
    this.start({ filters });
  }

  /** Loads the page of entries older than the last one shown. */
  loadMore(): void {
    const { filters, nextBefore, loading } = this.state();
    if (nextBefore === null || loading) return;
    this.start({ filters, before: nextBefore });
  }

  /** Repeats the load that failed. */
  retry(): void {
    this.start(this.lastLoad);
  }

  private start(load: Load): void {
    this.lastLoad = load;
    this.loads.next(load);
  }

  private load$(load: Load): Observable<Partial<State>> {
    const more = load.before !== undefined;
    return this.source.page$(load.filters, load.before).pipe(
      map((page): Partial<State> => ({
        entries: more ? [...this.state().entries, ...page.entries] : page.entries,
        nextBefore: page.nextBefore,
        loading: null,
      })),
      catchError((error: unknown) =>
        of<Partial<State>>({ loading: null, loadError: toKiiError(error) }),
      ),
      startWith<Partial<State>>({
        filters: load.filters,
        loading: more ? 'more' : 'first',
        loadError: null,
        ...(more ? {} : { entries: [], nextBefore: null }),
      }),
    );
  }
}
