import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, map, of, startWith, switchMap, tap } from 'rxjs';

import { ActionResult, ActionRunner } from '../core/action-runner';
import { KiiError, toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { TeamSession } from '../core/team/team-session';
import { effectiveRole } from '../core/team/team-types';
import { AppsSource } from './apps-source';
import { AppCredentials, NewApp, TeamAppRow } from './team-app';

interface State {
  readonly apps: readonly TeamAppRow[];
  readonly loading: boolean;
  readonly loadError: KiiError | null;
}

/**
 * The Apps page's state: the connected apps the person holds a role on, and an admin's
 * connects, replacements and disconnects. The store shape of `core/action-runner.ts`. After a
 * change the session's app list is loaded again, so the app choice and toolbar follow.
 */
@Injectable()
export class AppsStore {
  private readonly source = inject(AppsSource);
  private readonly session = inject(TeamSession);
  private readonly notifier = inject(Notifier);
  private readonly destroyRef = inject(DestroyRef);
  private readonly actions = new ActionRunner();
  private readonly state = signal<State>({ apps: [], loading: false, loadError: null });
  private readonly loads = new Subject<void>();

  readonly apps = computed(() => this.state().apps);
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);
  /** Running actions: `connect`, `replace:<appId>`, `disconnect:<appId>`. */
  readonly pending = this.actions.pending;

  constructor() {
    this.loads
      .pipe(
        switchMap(() => this.load$()),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((change) => this.state.update((state) => ({ ...state, ...change })));
  }

  reload(): void {
    this.loads.next();
  }

  /** Connects an app. Unreported: the dialog shows Kii's refusal beside what was typed. */
  connect$(app: NewApp): Observable<ActionResult<TeamAppRow>> {
    const appId = app.appId;
    const label = $localize`:Action named in an error; APP is an app ID@@kpc.apps.actionConnect:Connecting ${appId}:APP:`;
    return this.actions
      .run$(label, this.source.connect$(app), { key: 'connect', report: false })
      .pipe(
        map((result) => (result.ok ? { ...result, value: this.withRole(result.value) } : result)),
        tap((result) => {
          if (!result.ok) return;
          this.put(result.value);
          this.notifier.done(
            $localize`:Confirmation after connecting an app; APP is an app ID@@kpc.apps.connected:${appId}:APP: is connected.`,
          );
        }),
      );
  }

  /** Replaces an app's credentials. Unreported, as `connect$`. */
  replace$(app: TeamAppRow, credentials: AppCredentials): Observable<ActionResult<TeamAppRow>> {
    const appId = app.appId;
    const label = $localize`:Action named in an error; APP is an app ID@@kpc.apps.actionReplace:Replacing the credentials of ${appId}:APP:`;
    const work$ = this.source.replace$(appId, credentials);
    return this.actions.run$(label, work$, { key: `replace:${appId}`, report: false }).pipe(
      map((result) =>
        result.ok ? { ...result, value: { ...result.value, role: app.role } } : result,
      ),
      tap((result) => {
        if (!result.ok) return;
        this.put(result.value);
        this.notifier.done(
          $localize`:Confirmation after replacing an app's credentials; APP is an app ID@@kpc.apps.replaced:The credentials of ${appId}:APP: are replaced.`,
        );
      }),
    );
  }

  /** Disconnects an app (a failure goes to the notifier). */
  disconnect(app: TeamAppRow): void {
    const appId = app.appId;
    const label = $localize`:Action named in an error; APP is an app ID@@kpc.apps.actionDisconnect:Disconnecting ${appId}:APP:`;
    this.actions.run(label, this.source.disconnect$(appId), { key: `disconnect:${appId}` }, () => {
      this.state.update((state) => ({
        ...state,
        apps: state.apps.filter((each) => each.appId !== appId),
      }));
      this.refreshSession();
      this.notifier.done(
        $localize`:Confirmation after disconnecting an app; APP is an app ID@@kpc.apps.disconnected:${appId}:APP: is disconnected.`,
      );
    });
  }

  /** The answer of a connect carries no role: the person's own, as the server decides it. */
  private withRole(app: TeamAppRow): TeamAppRow {
    return { ...app, role: effectiveRole(this.session.roles(), app.appId) ?? 'admin' };
  }

  /** Puts an app's new state in the list, in label order as the server lists them. */
  private put(app: TeamAppRow): void {
    this.state.update((state) => ({
      ...state,
      apps: [...state.apps.filter((each) => each.appId !== app.appId), app].sort((a, b) =>
        a.label.localeCompare(b.label),
      ),
    }));
    this.refreshSession();
  }

  private refreshSession(): void {
    this.session
      .loadApps$()
      .pipe(
        catchError(() => of(null)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  private load$(): Observable<Partial<State>> {
    return this.source.list$().pipe(
      map((apps): Partial<State> => ({ apps, loading: false })),
      catchError((error: unknown) =>
        of<Partial<State>>({ loading: false, loadError: toKiiError(error) }),
      ),
      startWith<Partial<State>>({ loading: true, loadError: null }),
    );
  }
}
