import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, map, of, switchMap, tap } from 'rxjs';

import { ActionRunner } from '../core/action-runner';
import { TeamAccess } from '../core/team/team-access';
import { KiiError, toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { MqttEndpoint } from '../core/kii/mqtt-endpoint';
import { Installation } from '../core/kii/installation';
import { KnownInstallations, catalogUpdateLabel } from './known-installations';
import { PushInstallations } from '../core/kii/push-installations';
import { UninstallAction, UninstallBy } from './uninstall-action';

/**
 * One installation's detail view: the installation (with its owner's name) and, for MQTT,
 * its endpoint. The store shape of `core/action-runner.ts`: both loads fail inline with their
 * own Retry; uninstalling runs through its `ActionRunner`, which reports a failure. Provided
 * by the detail page.
 */
@Injectable()
export class InstallationDetailStore {
  private readonly push = inject(PushInstallations);
  private readonly known = inject(KnownInstallations);
  private readonly uninstaller = inject(UninstallAction);
  private readonly access = inject(TeamAccess);
  private readonly notifier = inject(Notifier);
  private readonly destroyRef = inject(DestroyRef);
  private readonly actions = new ActionRunner();

  private readonly state = signal({
    installationID: '',
    installation: null as Installation | null,
    loading: false,
    loadError: null as KiiError | null,
    endpoint: null as MqttEndpoint | null,
    endpointLoading: false,
    endpointError: null as KiiError | null,
  });
  private readonly loads = new Subject<string>();
  private readonly endpointLoads = new Subject<string>();

  readonly installation = computed(() => this.state().installation);
  readonly loading = computed(() => this.state().loading);
  readonly loadError = computed(() => this.state().loadError);
  readonly endpoint = computed(() => this.state().endpoint);
  readonly endpointLoading = computed(() => this.state().endpointLoading);
  readonly endpointError = computed(() => this.state().endpointError);
  readonly uninstalling = computed(() => this.actions.pending().has('uninstall'));

  constructor() {
    this.loads
      .pipe(
        switchMap((id) => this.load$(id)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.endpointLoads
      .pipe(
        switchMap((id) => this.loadEndpoint$(id)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Shows an installation: reads it, names its owner, then fetches its MQTT endpoint. */
  open(installationID: string): void {
    this.state.update((s) => ({ ...s, installationID }));
    this.loads.next(installationID);
  }

  /** Repeats the failed read. */
  retry(): void {
    this.loads.next(this.state().installationID);
  }

  /** Fetches the endpoint again (Retry, or fresh credentials after the TTL). */
  refreshEndpoint(): void {
    const installation = this.installation();
    // A team role below operator may not reveal credentials: no call the server would refuse.
    if (installation?.deviceType === 'MQTT' && this.access.can('credentials.reveal')) {
      this.endpointLoads.next(installation.installationID);
    }
  }

  /** Uninstalls by either ID; true once done (the page then leaves the detail view). */
  uninstall$(by: UninstallBy): Observable<boolean> {
    const installation = this.installation();
    if (!installation) return of(false);
    const uninstall = this.uninstaller.of(installation, by);
    return this.actions.run$(uninstall.label, uninstall.work$, { key: 'uninstall' }).pipe(
      map((result) => {
        if (result.ok) {
          this.notifier.done(uninstall.doneText);
          this.actions.run(catalogUpdateLabel(), this.known.forget$([installation.installationID]));
        }
        return result.ok;
      }),
    );
  }

  private load$(installationID: string): Observable<unknown> {
    this.state.update((s) => ({
      ...s,
      installation: null,
      loading: true,
      loadError: null,
      endpoint: null,
      endpointError: null,
    }));
    return this.push.get$({ by: 'id', installationID }).pipe(
      switchMap((installation) => this.known.named$(installation)),
      tap((installation) => {
        this.state.update((s) => ({ ...s, installation, loading: false }));
        // A deep link on Kii Cloud is also a look-up: the list learns it.
        this.actions.run(catalogUpdateLabel(), this.known.remember$([installation], 'looked-up'));
        this.refreshEndpoint();
      }),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, loading: false, loadError: toKiiError(error) }));
        return of(null);
      }),
    );
  }

  private loadEndpoint$(installationID: string): Observable<unknown> {
    this.state.update((s) => ({ ...s, endpointLoading: true, endpointError: null }));
    return this.push.endpoint$(installationID).pipe(
      tap((endpoint) => this.state.update((s) => ({ ...s, endpoint, endpointLoading: false }))),
      catchError((error: unknown) => {
        this.state.update((s) => ({
          ...s,
          endpointLoading: false,
          endpointError: toKiiError(error),
        }));
        return of(null);
      }),
    );
  }
}
