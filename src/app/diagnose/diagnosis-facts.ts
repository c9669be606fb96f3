import { formatDate } from '@angular/common';
import { Injectable, LOCALE_ID, inject } from '@angular/core';
import { Observable, catchError, forkJoin, map, of, switchMap, throwError } from 'rxjs';

import { KiiError, toKiiError } from '../core/kii-error';
import { Installation } from '../core/kii/installation';
import { PushInstallations } from '../core/kii/push-installations';
import { PushTopics } from '../core/kii/push-topics';
import { PushOutcome, PushTrace } from '../core/kii/push-trace';
import { ThingOnline, ThingStatus } from '../core/kii/thing-status';
import { RecentSend, RecentSends, sentToLabel } from '../compose/recent-sends';
import { Diagnosis, KiiFacts, SentRecord, TimeText, diagnoseKii, diagnoseTrace } from './diagnosis';

/** The most NO_MQTT_INSTALLATION rows read to find the owner among them (one page). */
const OWNERS_WITHOUT_MQTT_PAGE = 1000;

/**
 * Gathers what the server can tell about one installation and one push, and runs the
 * diagnosis: the local server's trace when the session can use it, else what Kii Cloud
 * allows. A "not found" is a fact for the checks; any other failure fails the whole answer.
 */
@Injectable({ providedIn: 'root' })
export class DiagnosisFacts {
  private readonly trace = inject(PushTrace);
  private readonly installations = inject(PushInstallations);
  private readonly topics = inject(PushTopics);
  private readonly things = inject(ThingStatus);
  private readonly recentSends = inject(RecentSends);
  private readonly locale = inject(LOCALE_ID);

  /** Local time in the console's language, to the second. */
  readonly time: TimeText = (ms) => formatDate(ms, 'medium', this.locale);

  diagnose$(installationID: string, pushMessageID: string): Observable<Diagnosis> {
    return this.trace.available()
      ? this.viaTrace$(installationID, pushMessageID)
      : this.viaKii$(installationID, pushMessageID);
  }

  private viaTrace$(installationID: string, pushMessageID: string): Observable<Diagnosis> {
    return forkJoin({
      installation: this.installation$(installationID),
      outcome: this.trace
        .outcome$(installationID, pushMessageID)
        .pipe(orNull<PushOutcome>('PUSH_MESSAGE_NOT_FOUND')),
      connections: this.trace.connections$(installationID).pipe(
        map((history) => history.connections),
        catchError((error: KiiError) => (error.status === 404 ? of([]) : throwError(() => error))),
      ),
    }).pipe(
      switchMap(({ installation, outcome, connections }) =>
        this.ownerWithoutMqtt$(installation, outcome).pipe(
          map((ownerWithoutMqtt) =>
            diagnoseTrace(
              {
                installationID,
                installation,
                push: outcome?.push ?? null,
                row: outcome?.row ?? null,
                ownerWithoutMqtt,
                connections,
              },
              this.time,
            ),
          ),
        ),
      ),
    );
  }

  /** Whether the owner had a NO_MQTT_INSTALLATION row: only asked when it may matter. */
  private ownerWithoutMqtt$(
    installation: Installation | null,
    outcome: PushOutcome | null,
  ): Observable<boolean> {
    const owner = installation?.owner;
    if (!owner || !outcome || outcome.row || !outcome.push.outcomes.NO_MQTT_INSTALLATION) {
      return of(false);
    }
    return this.trace
      .report$(outcome.push.pushMessageID, {
        outcome: 'NO_MQTT_INSTALLATION',
        limit: OWNERS_WITHOUT_MQTT_PAGE,
      })
      .pipe(map((report) => report.rows.some((row) => row.owner?.id === owner.id)));
  }

  private viaKii$(installationID: string, pushMessageID: string): Observable<Diagnosis> {
    const sent = this.recentSends.entries().find((s) => s.pushMessageID === pushMessageID);
    return this.installation$(installationID).pipe(
      switchMap((installation) =>
        forkJoin({
          subscribed: this.subscribed$(sent, installation),
          endpoint: this.endpoint$(installation),
          thingOnline: this.thingOnline$(installation),
        }).pipe(
          map(({ subscribed, endpoint, thingOnline }) => {
            const facts: KiiFacts = {
              installationID,
              installation,
              send: sent ? sentRecord(sent, installation) : null,
              subscribed,
              endpoint,
              thingOnline,
            };
            return diagnoseKii(facts, this.time);
          }),
        ),
      ),
    );
  }

  private installation$(installationID: string): Observable<Installation | null> {
    return this.installations
      .get$({ by: 'id', installationID })
      .pipe(orNull<Installation>('INSTALLATION_NOT_FOUND'));
  }

  /** The owner's subscription to the sent topic now; null when it cannot be asked. */
  private subscribed$(
    sent: RecentSend | undefined,
    installation: Installation | null,
  ): Observable<boolean | null> {
    const owner = installation?.owner;
    if (!sent || sent.target.kind !== 'topic' || !owner) return of(null);
    return this.topics
      .isSubscribed$(sent.target.topic, owner)
      .pipe(catchError(() => of<boolean | null>(null)));
  }

  /** The owning thing's online status now; null for a user's, or when it cannot be read. */
  private thingOnline$(installation: Installation | null): Observable<ThingOnline | null> {
    const owner = installation?.owner;
    if (owner?.kind !== 'thing') return of(null);
    return this.things.online$(owner.id).pipe(catchError(() => of<ThingOnline | null>(null)));
  }

  private endpoint$(installation: Installation | null): Observable<KiiFacts['endpoint']> {
    if (installation?.deviceType !== 'MQTT') return of(null);
    return this.installations.endpoint$(installation.installationID).pipe(
      map((): KiiFacts['endpoint'] => 'valid'),
      catchError((error: KiiError) =>
        of<KiiFacts['endpoint']>(error.kind === 'not-ready' ? 'not-ready' : 'failed'),
      ),
    );
  }
}

/** The send as the diagnosis reads it: was the installation's owner addressed? */
function sentRecord(send: RecentSend, installation: Installation | null): SentRecord {
  const target = send.target;
  const addressed =
    target.kind === 'user'
      ? target.user.id === installation?.owner?.id
        ? 'owner'
        : 'someone-else'
      : 'topic';
  return {
    pushMessageID: send.pushMessageID,
    sentAt: send.sentAt,
    targetText: sentToLabel(target),
    addressed,
    development: send.development,
    production: send.production,
    bytes: send.bytes,
  };
}

/** A 404 with `errorCode` becomes null; every other failure stays one. */
function orNull<T>(errorCode: string) {
  return catchError<T, Observable<T | null>>((raw: unknown) => {
    const error = toKiiError(raw);
    return error.status === 404 && (error.errorCode === errorCode || !error.errorCode)
      ? of(null)
      : throwError(() => error);
  });
}
