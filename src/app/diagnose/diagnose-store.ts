import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, map, of, switchMap, tap, throwError } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import { Installation } from '../core/kii/installation';
import { DeliveryOutcome, PushTrace } from '../core/kii/push-trace';
import { PrincipalLookup, PrincipalRef } from '../core/principal-lookup';
import { RecentSends, sentToLabel } from '../compose/recent-sends';
import { KnownInstallations } from '../installations/known-installations';
import { Diagnosis } from './diagnosis';
import { DiagnosisFacts } from './diagnosis-facts';

/** How the operator names what to diagnose: an installation, or its user or thing. */
export type WhoBy = 'installation' | 'user-name' | 'user-id' | 'thing-name' | 'thing-id';

export const WHO_BY: readonly WhoBy[] = [
  'installation',
  'user-name',
  'user-id',
  'thing-name',
  'thing-id',
];

/** A push sent to the installation, to pick from. */
export interface RecentPush {
  readonly pushMessageID: string;
  readonly sentAt: number;
  readonly target: string;
  /** The ledger's outcome for this installation; absent on Kii Cloud. */
  readonly outcome?: DeliveryOutcome;
}

const initial = {
  /** The owner's installations to choose from (empty when named by installation ID). */
  candidates: [] as readonly Installation[],
  finding: false,
  findError: null as KiiError | null,
  installationID: '',
  recent: [] as readonly RecentPush[],
  recentLoading: false,
  recentError: null as KiiError | null,
  diagnosis: null as Diagnosis | null,
  diagnosedFor: null as { installationID: string; pushMessageID: string } | null,
  diagnosing: false,
  diagnoseError: null as KiiError | null,
};

/**
 * The Diagnose page's state (the store shape of `core/action-runner.ts`): who, the pushes
 * sent to it, and the diagnosis, each a load that fails inline with its own Retry.
 */
@Injectable()
export class DiagnoseStore {
  private readonly trace = inject(PushTrace);
  private readonly lookup = inject(PrincipalLookup);
  private readonly known = inject(KnownInstallations);
  private readonly recentSends = inject(RecentSends);
  private readonly facts = inject(DiagnosisFacts);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal(initial);
  private readonly finds = new Subject<{ by: WhoBy; value: string }>();
  private readonly recents = new Subject<string>();
  private readonly diagnoses = new Subject<{ installationID: string; pushMessageID: string }>();
  private lastFind: { by: WhoBy; value: string } | null = null;

  /** True: the local server's trace; false: Kii Cloud's checks; null: not known yet. */
  readonly traced = this.trace.available;
  readonly candidates = computed(() => this.state().candidates);
  readonly finding = computed(() => this.state().finding);
  readonly findError = computed(() => this.state().findError);
  readonly installationID = computed(() => this.state().installationID);
  readonly recent = computed(() => this.state().recent);
  readonly recentLoading = computed(() => this.state().recentLoading);
  readonly recentError = computed(() => this.state().recentError);
  readonly diagnosis = computed(() => this.state().diagnosis);
  readonly diagnosedFor = computed(() => this.state().diagnosedFor);
  readonly diagnosing = computed(() => this.state().diagnosing);
  readonly diagnoseError = computed(() => this.state().diagnoseError);

  constructor() {
    this.finds
      .pipe(
        switchMap((who) => this.find$(who)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.recents
      .pipe(
        switchMap((id) => this.loadRecent$(id)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
    this.diagnoses
      .pipe(
        switchMap((ask) => this.diagnose$(ask.installationID, ask.pushMessageID)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Finds the installation(s): an ID is taken as is, a user or thing is looked up. */
  find(by: WhoBy, value: string): void {
    this.lastFind = { by, value: value.trim() };
    this.finds.next(this.lastFind);
  }

  retryFind(): void {
    if (this.lastFind) this.finds.next(this.lastFind);
  }

  /** Chooses the installation to diagnose and loads the pushes sent to it. */
  select(installationID: string): void {
    this.state.update((s) => ({ ...s, installationID, diagnosis: null, diagnoseError: null }));
    this.recents.next(installationID);
  }

  retryRecent(): void {
    this.recents.next(this.state().installationID);
  }

  /** Runs the checks for the chosen installation and `pushMessageID`. */
  diagnose(pushMessageID: string): void {
    const installationID = this.state().installationID;
    if (!installationID || !pushMessageID.trim()) return;
    this.diagnoses.next({ installationID, pushMessageID: pushMessageID.trim() });
  }

  retryDiagnose(): void {
    const last = this.state().diagnosedFor;
    if (last) this.diagnoses.next(last);
  }

  private find$(who: { by: WhoBy; value: string }): Observable<unknown> {
    if (who.by === 'installation') {
      this.state.update((s) => ({ ...s, candidates: [], findError: null, finding: false }));
      this.select(who.value);
      return of(null);
    }
    this.state.update((s) => ({
      ...s,
      candidates: [],
      finding: true,
      findError: null,
      installationID: '',
      recent: [],
      diagnosis: null,
    }));
    return this.lookup.resolve$(principalRef(who.by, who.value)).pipe(
      switchMap((owner) =>
        this.trace.available()
          ? this.trace.installationsOf$(owner)
          : this.known.list$().pipe(map((known) => known.filter((i) => i.owner?.id === owner.id))),
      ),
      tap((candidates) => {
        this.state.update((s) => ({ ...s, candidates, finding: false }));
        const mqtt = candidates.filter((i) => i.deviceType === 'MQTT');
        if (mqtt.length === 1) this.select(mqtt[0].installationID);
      }),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, finding: false, findError: toKiiError(error) }));
        return of(null);
      }),
    );
  }

  private loadRecent$(installationID: string): Observable<unknown> {
    this.state.update((s) => ({ ...s, recent: [], recentLoading: true, recentError: null }));
    const recent$: Observable<readonly RecentPush[]> = this.trace.available()
      ? this.trace.deliveries$(installationID).pipe(
          map((deliveries) =>
            deliveries.map((d) => ({
              pushMessageID: d.pushMessageID,
              sentAt: d.sentAt,
              target: d.target,
              outcome: d.row.outcome,
            })),
          ),
          catchError((error: KiiError) =>
            error.status === 404 ? of([]) : throwError(() => error),
          ),
        )
      : of(
          this.recentSends.entries().map((send) => ({
            pushMessageID: send.pushMessageID,
            sentAt: send.sentAt,
            target: sentToLabel(send.target),
          })),
        );
    return recent$.pipe(
      tap((recent) => this.state.update((s) => ({ ...s, recent, recentLoading: false }))),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, recentLoading: false, recentError: toKiiError(error) }));
        return of(null);
      }),
    );
  }

  private diagnose$(installationID: string, pushMessageID: string): Observable<unknown> {
    this.state.update((s) => ({
      ...s,
      diagnosis: null,
      diagnosedFor: { installationID, pushMessageID },
      diagnosing: true,
      diagnoseError: null,
    }));
    return this.facts.diagnose$(installationID, pushMessageID).pipe(
      tap((diagnosis) => this.state.update((s) => ({ ...s, diagnosis, diagnosing: false }))),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, diagnosing: false, diagnoseError: toKiiError(error) }));
        return of(null);
      }),
    );
  }
}

function principalRef(by: Exclude<WhoBy, 'installation'>, value: string): PrincipalRef {
  const [kind, how] = by.split('-') as ['user' | 'thing', 'name' | 'id'];
  return { kind, by: how, value };
}
