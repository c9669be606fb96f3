import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import {
  Observable,
  Subject,
  catchError,
  distinctUntilChanged,
  filter,
  map,
  of,
  switchMap,
  tap,
  throwError,
} from 'rxjs';

import { ActionResult, ActionRunner } from '../core/action-runner';
import { KiiError, makeKiiError, toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { PrincipalLookup, PrincipalRef, ResolvedPrincipal } from '../core/principal-lookup';
import { SessionStore } from '../core/session';
import { Installation, ownerLabel, parseInstallationRef } from '../core/kii/installation';
import { KnownSource } from './installation-catalog';
import { InstallationListing } from './installation-listing';
import { KnownInstallations, ListingMode, catalogUpdateLabel } from './known-installations';
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

/** Listing progress: how many rows arrived of how many. */
export interface LoadProgress {
  readonly loaded: number;
  readonly total: number | null;
}

/**
 * The Installations page's state: the rows (every installation from the local server, or
 * the ones this console knows), look-ups, installs and uninstalls. The store shape of
 * `core/action-runner.ts`: loads fail inline (with `reload()`); actions run through its
 * `ActionRunner`, which reports failures, except an install's, which goes back to the install
 * dialog (a snackbar would vanish while the dialog stays open). Provided by the page.
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
  private readonly actions = new ActionRunner();
  private readonly loads = new Subject<ListingMode>();

  /** `server` (every installation) or `known` (those known here); null while deciding. */
  readonly mode = this.known.mode;
  readonly rows = computed(() => this.state().rows);
  /** Non-null while rows load. */
  readonly loading = computed(() => this.state().loading);
  /** The failed load, shown inline with Retry. */
  readonly loadError = computed(() => this.state().loadError);
  /** Running actions: `lookup`, `install`, `uninstall:<installationID>`. */
  readonly pending = this.actions.pending;
  /** Who is signed in: the install dialog offers an owner only to the app admin. */
  readonly principal = computed(() => this.sessions.session()?.principal ?? null);

  // The rows by ID, kept in step with `state.rows` where the rows change (load$, upsert, forget).
  // A computed Map was rebuilt from every row whenever a listing page arrived: for 100,000
  // installations in pages of 500, about 10 million inserts while the table was loading.
  private readonly byId = new Map<string, Installation>();

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
    return this.byId.get(installationID);
  }

  /**
   * Looks an installation up by `installationID` or `deviceType:registrationID` and hands it
   * to `found` (the page opens its detail view). Known mode remembers it.
   */
  lookup(text: string, found: (installation: Installation) => void): void {
    const label = $localize`:Action named in an error; REF is what the operator typed@@kpc.installations.actionLookup:Looking up ${text.trim()}:REF:`;
    const ref = parseInstallationRef(text);
    const work$ = ref
      ? this.push.get$(ref).pipe(switchMap((i) => this.known.named$(i)))
      : throwError(() =>
          makeKiiError('invalid', {
            detail: 'Enter an installation ID, or deviceType:registrationID such as MQTT:1234.',
          }),
        );
    this.actions.run(label, work$, { key: 'lookup' }, (installation) => {
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
  install$(order: InstallOrder): Observable<ActionResult<InstallOutcome>> {
    const owner$: Observable<ResolvedPrincipal | undefined> = order.owner
      ? this.lookupService.resolve$(order.owner)
      : of(undefined);
    const work$ = owner$.pipe(
      switchMap((owner) =>
        this.push.install$({ owner, development: order.development }).pipe(
          switchMap((answer) => {
            const existing = this.byId.has(answer.installationID);
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
    return this.actions.run$(installLabel(), work$, { key: 'install', report: false }).pipe(
      tap((result) => {
        if (!result.ok) return;
        const row = this.upsert(result.value.installation);
        this.remember([row], 'installed');
        const who = ownerLabel(row.owner);
        this.notifier.done(
          result.value.existing
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
    const uninstall = this.uninstaller.of(installation, by);
    const key = `uninstall:${installation.installationID}`;
    return this.actions.run$(uninstall.label, uninstall.work$, { key }).pipe(
      map((result) => {
        if (result.ok) {
          this.notifier.done(uninstall.doneText);
          this.forget([installation.installationID]);
        }
        return result.ok;
      }),
    );
  }

  /** Adds installations found by an import to the table and the catalog. */
  adopt(installations: readonly Installation[]): void {
    const rows = installations.map((installation) => this.upsert(installation));
    this.remember(rows, 'imported');
  }

  /** Drops uninstalled installations from the table and the catalog. */
  forget(installationIDs: readonly string[]): void {
    const gone = new Set(installationIDs);
    for (const id of gone) this.byId.delete(id);
    this.state.update((s) => ({ ...s, rows: s.rows.filter((r) => !gone.has(r.installationID)) }));
    this.actions.run(catalogUpdateLabel(), this.known.forget$(installationIDs));
  }

  private load$(mode: ListingMode): Observable<unknown> {
    this.byId.clear();
    this.state.set({ rows: [], loading: { loaded: 0, total: null }, loadError: null });
    const rows$: Observable<{ rows: readonly Installation[]; progress: LoadProgress | null }> =
      mode === 'server'
        ? this.listing.all$().pipe(
            // Rows are appended page by page, so a large app is usable before it is complete.
            map((progress) => {
              // A row installed or looked up while the listing runs is already there.
              const fresh = progress.page.filter((row) => !this.byId.has(row.installationID));
              for (const row of fresh) this.byId.set(row.installationID, row);
              return {
                rows: [...this.state().rows, ...fresh],
                progress: progress.done ? null : { loaded: progress.loaded, total: progress.total },
              };
            }),
          )
        : this.known.list$().pipe(
            map((rows) => {
              const sorted = [...rows].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
              this.byId.clear();
              for (const row of sorted) this.byId.set(row.installationID, row);
              return { rows: sorted, progress: null };
            }),
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
    const old = this.byId.get(installation.installationID);
    const row: Installation = {
      ...installation,
      createdAt:
        old?.createdAt ?? installation.createdAt ?? (this.mode() === 'known' ? Date.now() : null),
      owner:
        installation.owner && old?.owner && installation.owner.name === installation.owner.id
          ? { ...installation.owner, name: old.owner.name }
          : installation.owner,
    };
    this.byId.set(row.installationID, row);
    this.state.update((s) => ({
      ...s,
      rows: old
        ? s.rows.map((r) => (r.installationID === row.installationID ? row : r))
        : [row, ...s.rows],
    }));
    return row;
  }

  private remember(rows: readonly Installation[], source: KnownSource): void {
    this.actions.run(catalogUpdateLabel(), this.known.remember$(rows, source));
  }

  private self(): Installation['owner'] {
    const principal = this.principal();
    if (!principal || principal.kind === 'admin') return null;
    return { kind: principal.kind, id: principal.id, name: principal.name };
  }
}

/** "Installing push": the action a failed install names. */
export function installLabel(): string {
  return $localize`:Action named in an error@@kpc.installations.actionInstall:Installing push`;
}
