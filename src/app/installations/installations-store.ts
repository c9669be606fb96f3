import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import {
  Observable,
  Subject,
  catchError,
  distinctUntilChanged,
  filter,
  finalize,
  map,
  of,
  switchMap,
  tap,
} from 'rxjs';

import { KiiError, makeKiiError, toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { PrincipalLookup, PrincipalRef, ResolvedPrincipal } from '../core/principal-lookup';
import { SessionStore } from '../core/session';
import { Installation, ownerLabel, parseInstallationRef } from '../core/kii/installation';
import { KnownSource } from './installation-catalog';
import { InstallationListing } from './installation-listing';
import { KnownInstallations, ListingMode } from './known-installations';
import { PushInstallations } from '../core/kii/push-installations';
import { UninstallAction, UninstallBy } from './uninstall-action';

export type { UninstallBy } from './uninstall-action';

/** What the install dialog asks for; `owner` is null when a user or thing installs for itself. */
export interface InstallOrder {
  readonly owner: PrincipalRef | null;
  readonly development: boolean;
}

/** What came back from an install. */
export interface InstallOutcome {
  readonly installation: Installation;
  /** True when the owner already had this installation (Kii returns it instead of a new one). */
  readonly existing: boolean;
}

/**
 * How an install ended: the outcome, or the failure for the install dialog to show beside
 * what the operator typed (a snackbar would vanish while the dialog stays open).
 */
export type InstallResult =
  | { readonly kind: 'installed'; readonly outcome: InstallOutcome }
  | { readonly kind: 'failed'; readonly error: KiiError };

/** Listing progress: how many rows arrived of how many. */
export interface LoadProgress {
  readonly loaded: number;
  readonly total: number | null;
}

/**
 * The Installations page's state: the rows (every installation from the local server, or
 * the ones this console knows), look-ups, installs and uninstalls. Loads fail inline (with
 * `reload()`); a failed install goes back to the install dialog; other actions report
 * through the `Notifier`. Provided by the page.
 */
@Injectable()
export class InstallationsStore {
  private readonly push = inject(PushInstallations);
  private readonly uninstaller = inject(UninstallAction);
  private readonly known = inject(KnownInstallations);
  private readonly listing = inject(InstallationListing);
  private readonly lookupService = inject(PrincipalLookup);
  private readonly notifier = inject(Notifier);
  private readonly sessions = inject(SessionStore);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal({
    rows: [] as readonly Installation[],
    loading: null as LoadProgress | null,
    loadError: null as KiiError | null,
  });
  private readonly pendingKeys = signal<ReadonlySet<string>>(new Set());
  private readonly loads = new Subject<ListingMode>();

  /** `server` (every installation) or `known` (those known here); null while deciding. */
  readonly mode = this.known.mode;
  readonly rows = computed(() => this.state().rows);
  /** Non-null while rows load. */
  readonly loading = computed(() => this.state().loading);
  /** The failed load, shown inline with Retry. */
  readonly loadError = computed(() => this.state().loadError);
  /** Running actions: `lookup`, `install`, `uninstall:<installationID>`. */
  readonly pending = this.pendingKeys.asReadonly();
  /** Who is signed in: the install dialog offers an owner only to the app admin. */
  readonly principal = computed(() => this.sessions.session()?.principal ?? null);

  private readonly byId = computed(
    () => new Map(this.state().rows.map((row) => [row.installationID, row])),
  );

  constructor() {
    this.loads
      .pipe(
        switchMap((mode) => this.load$(mode)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    toObservable(this.mode)
      .pipe(
        filter((mode): mode is ListingMode => mode !== null),
        distinctUntilChanged(),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((mode) => this.loads.next(mode));
  }

  /** Loads the rows again (Retry, Refresh). */
  reload(): void {
    const mode = this.mode();
    if (mode) this.loads.next(mode);
  }

  /** The row of an installation, if listed. */
  find(installationID: string): Installation | undefined {
    return this.byId().get(installationID);
  }

  /**
   * Looks an installation up by `installationID` or `deviceType:registrationID` and hands it
   * to `found` (the page opens its detail view). Known mode remembers it.
   */
  lookup(text: string, found: (installation: Installation) => void): void {
    const label = $localize`:Action named in an error; REF is what the operator typed@@kpc.installations.actionLookup:Looking up ${text.trim()}:REF:`;
    const ref = parseInstallationRef(text);
    if (!ref) {
      this.notifier.failed(
        label,
        makeKiiError('invalid', {
          detail: 'Enter an installation ID, or deviceType:registrationID such as MQTT:1234.',
        }),
      );
      return;
    }
    const work$ = this.push.get$(ref).pipe(switchMap((i) => this.known.named$(i)));
    this.act('lookup', label, work$, (installation) => {
      const row = this.upsert(installation);
      this.remember([row], 'looked-up');
      found(row);
    });
  }

  /**
   * Installs MQTT push and reads the installation back (a repeat install keeps the owner's
   * first environment). Emits the outcome or the failure (logged, not shown: the dialog that
   * asked shows it); nothing while another install runs.
   */
  install$(order: InstallOrder): Observable<InstallResult> {
    const owner$: Observable<ResolvedPrincipal | undefined> = order.owner
      ? this.lookupService.resolve$(order.owner)
      : of(undefined);
    const work$ = owner$.pipe(
      switchMap((owner) =>
        this.push.install$({ owner, development: order.development }).pipe(
          switchMap((answer) => {
            const existing = this.byId().has(answer.installationID);
            const fallback: Installation = {
              installationID: answer.installationID,
              registrationID: answer.registrationID,
              deviceType: 'MQTT',
              development: order.development,
              owner: owner ?? this.self(),
              createdAt: null,
            };
            return this.push.get$({ by: 'id', installationID: answer.installationID }).pipe(
              catchError(() => of(fallback)),
              map((read): Installation => ({ ...read, owner: owner ?? read.owner })),
              switchMap((read) => this.known.named$(read)),
              map((installation): InstallOutcome => ({ installation, existing })),
            );
          }),
        ),
      ),
    );
    const result$ = work$.pipe(
      map((outcome): InstallResult => ({ kind: 'installed', outcome })),
      catchError((raw: unknown) => {
        const error = toKiiError(raw);
        console.error(installLabel(), error);
        return of<InstallResult>({ kind: 'failed', error });
      }),
    );
    return this.once$('install', result$).pipe(
      tap((result) => {
        if (result.kind !== 'installed') return;
        const { outcome } = result;
        const row = this.upsert(outcome.installation);
        this.remember([row], 'installed');
        const who = ownerLabel(row.owner);
        this.notifier.done(
          outcome.existing
            ? $localize`:Confirmation when an install returned the owner's existing installation; WHO is "User alice"@@kpc.installations.installedExisting:${who}:WHO: already had an installation; it came back unchanged.`
            : $localize`:Confirmation after installing; WHO is "User alice"@@kpc.installations.installed:Installed push for ${who}:WHO:.`,
        );
      }),
    );
  }

  /**
   * Uninstalls by installation ID or by `deviceType:registrationID` (the page confirms
   * first). Emits true once done, false after the failure was reported.
   */
  uninstall$(installation: Installation, by: UninstallBy): Observable<boolean> {
    const key = `uninstall:${installation.installationID}`;
    return new Observable<boolean>((subscriber) => {
      if (this.pendingKeys().has(key)) {
        subscriber.next(false);
        subscriber.complete();
        return undefined;
      }
      this.setPending(key, true);
      return this.uninstaller
        .run$(installation, by)
        .pipe(
          tap((done) => {
            if (done) this.dropRows([installation.installationID]);
          }),
          finalize(() => this.setPending(key, false)),
        )
        .subscribe(subscriber);
    });
  }

  /** Adds installations found by an import to the table and the catalog. */
  adopt(installations: readonly Installation[]): void {
    const rows = installations.map((installation) => this.upsert(installation));
    this.remember(rows, 'imported');
  }

  /** Drops uninstalled installations from the table and the catalog. */
  forget(installationIDs: readonly string[]): void {
    this.dropRows(installationIDs);
    this.known
      .forget$(installationIDs)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ error: (error: unknown) => this.storageFailed(error) });
  }

  private dropRows(installationIDs: readonly string[]): void {
    const gone = new Set(installationIDs);
    this.state.update((s) => ({ ...s, rows: s.rows.filter((r) => !gone.has(r.installationID)) }));
  }

  private load$(mode: ListingMode): Observable<unknown> {
    this.state.set({ rows: [], loading: { loaded: 0, total: null }, loadError: null });
    const rows$: Observable<{ rows: readonly Installation[]; progress: LoadProgress | null }> =
      mode === 'server'
        ? this.listing.all$().pipe(
            // Rows are appended page by page, so a large app is usable before it is complete.
            map((progress) => ({
              rows: [
                ...this.state().rows,
                // A row installed or looked up while the listing runs is already there.
                ...progress.page.filter((row) => !this.byId().has(row.installationID)),
              ],
              progress: progress.done ? null : { loaded: progress.loaded, total: progress.total },
            })),
          )
        : this.known.list$().pipe(
            map((rows) => ({
              rows: [...rows].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0)),
              progress: null,
            })),
          );
    return rows$.pipe(
      tap(({ rows, progress }) => this.state.set({ rows, loading: progress, loadError: null })),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, loading: null, loadError: toKiiError(error) }));
        return of(null);
      }),
    );
  }

  /** Replaces or adds a row; a known row keeps its creation time and a better owner name. */
  private upsert(installation: Installation): Installation {
    const old = this.byId().get(installation.installationID);
    const row: Installation = {
      ...installation,
      createdAt:
        old?.createdAt ?? installation.createdAt ?? (this.mode() === 'known' ? Date.now() : null),
      owner:
        installation.owner && old?.owner && installation.owner.name === installation.owner.id
          ? { ...installation.owner, name: old.owner.name }
          : installation.owner,
    };
    this.state.update((s) => ({
      ...s,
      rows: old
        ? s.rows.map((r) => (r.installationID === row.installationID ? row : r))
        : [row, ...s.rows],
    }));
    return row;
  }

  private remember(rows: readonly Installation[], source: KnownSource): void {
    this.known
      .remember$(rows, source)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({ error: (error: unknown) => this.storageFailed(error) });
  }

  private storageFailed(error: unknown): void {
    this.notifier.failed(
      $localize`:Action named in an error@@kpc.installations.actionRemember:Updating the installations known in this browser`,
      toKiiError(error),
    );
  }

  private self(): Installation['owner'] {
    const principal = this.principal();
    if (!principal || principal.kind === 'admin') return null;
    return { kind: principal.kind, id: principal.id, name: principal.name };
  }

  /** Runs an action once at a time per key; failures go to the Notifier and emit null. */
  private run$<T>(key: string, label: string, work$: Observable<T>): Observable<T | null> {
    return this.once$(
      key,
      work$.pipe(
        catchError((error: unknown) => {
          this.notifier.failed(label, toKiiError(error));
          return of(null);
        }),
      ),
    );
  }

  /** Runs `work$` while no other action with `key` runs; completes empty otherwise. */
  private once$<T>(key: string, work$: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.pendingKeys().has(key)) {
        subscriber.complete();
        return undefined;
      }
      this.setPending(key, true);
      return work$.pipe(finalize(() => this.setPending(key, false))).subscribe(subscriber);
    });
  }

  private act<T>(key: string, label: string, work$: Observable<T>, done: (value: T) => void): void {
    this.run$(key, label, work$)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((value) => {
        if (value !== null) done(value);
      });
  }

  private setPending(key: string, on: boolean): void {
    this.pendingKeys.update((keys) => {
      const next = new Set(keys);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }
}

/** "Installing push": the action a failed install names. */
export function installLabel(): string {
  return $localize`:Action named in an error@@kpc.installations.actionInstall:Installing push`;
}
