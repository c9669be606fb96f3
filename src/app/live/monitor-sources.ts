import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  EMPTY,
  Observable,
  catchError,
  expand,
  defer,
  map,
  of,
  reduce,
  retry,
  switchMap,
  throwError,
} from 'rxjs';

import { LOCAL_STORAGE, readJson, writeJson } from '../core/browser';
import { KiiError, makeKiiError, toKiiError } from '../core/kii-error';
import { KiiRest } from '../core/kii-rest';
import { PrincipalLookup } from '../core/principal-lookup';
import { Session, SessionStore } from '../core/session';
import { LIVE_CLOCK, after$ } from './live-clock';
import { MonitoredTopic, monitoredTopicPath } from './monitored-topic';
import { MqttEndpoint, parseEndpoint } from './mqtt-endpoint';

/** localStorage key of the monitor things' credentials, one per base URL and app. */
export const MONITOR_THING_STORAGE_KEY = 'kpc-monitor-things';

/** The endpoint answers 503 for a while after an install; the SDK retries like this too. */
const NOT_READY_RETRIES = 5;
const NOT_READY_WAIT_MS = 1000;

/** An installation as `GET /installations/{id}` describes it, with its owner's name. */
export interface InstallationInfo {
  readonly installationID: string;
  readonly deviceType: string;
  readonly development: boolean;
  readonly owner: {
    readonly kind: 'user' | 'thing';
    readonly id: string;
    readonly name: string;
  } | null;
}

/** The console's own thing that Topics monitors subscribe to topics. */
export interface MonitorThing {
  readonly thingID: string;
  readonly vendorThingID: string;
  readonly installationID: string;
}

interface StoredThing {
  readonly vendorThingID: string;
  readonly password: string;
  readonly thingID: string;
  /** Topic paths subscribed and not yet unsubscribed (cleaned up at the next start). */
  readonly subscribed: readonly string[];
}

type StoredThings = Record<string, StoredThing>;

/**
 * Where monitors get their MQTT endpoints: an installation's `mqtt-endpoint`, the local
 * server's tap, or the console's monitor thing (registered once per app, kept in
 * localStorage, signed in as itself to install MQTT, subscribed to topics by the admin).
 */
@Injectable({ providedIn: 'root' })
export class MonitorSources {
  private readonly http = inject(HttpClient);
  private readonly rest = inject(KiiRest);
  private readonly sessions = inject(SessionStore);
  private readonly lookup = inject(PrincipalLookup);
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly clock = inject(LIVE_CLOCK);

  /** The installation and its owner; refuses non-MQTT installations. */
  installation$(installationID: string): Observable<InstallationInfo> {
    const path = `/installations/${encodeURIComponent(installationID)}`;
    return this.rest
      .app$<{
        installationID: string;
        deviceType: string;
        development?: boolean;
        userID?: string;
        thingID?: string;
      }>('GET', path)
      .pipe(
        switchMap((body) => {
          if (body.deviceType !== 'MQTT') {
            return throwError(() =>
              makeKiiError('invalid', {
                status: 200,
                detail: `${installationID} is a ${body.deviceType} installation.`,
              }),
            );
          }
          const info = {
            installationID: body.installationID,
            deviceType: body.deviceType,
            development: body.development === true,
          };
          const kind: 'user' | 'thing' | null = body.userID
            ? 'user'
            : body.thingID
              ? 'thing'
              : null;
          const id = body.userID ?? body.thingID;
          if (!kind || !id) return of({ ...info, owner: null });
          // The name is for the label only: an owner that cannot be looked up keeps its ID.
          return this.lookup.resolve$({ kind, by: 'id', value: id }).pipe(
            map((owner) => ({ ...info, owner: { kind, id, name: owner.name } })),
            catchError(() => of({ ...info, owner: { kind, id, name: id } })),
          );
        }),
      );
  }

  /** The installation's MQTT endpoint, waiting out `MQTT_ENDPOINT_NOT_READY` a few times. */
  installationEndpoint$(installationID: string): Observable<MqttEndpoint> {
    const path = `/installations/${encodeURIComponent(installationID)}/mqtt-endpoint`;
    return this.rest.app$<unknown>('GET', path).pipe(
      retry({
        count: NOT_READY_RETRIES,
        delay: (error: KiiError) =>
          error.kind === 'not-ready'
            ? after$(this.clock, NOT_READY_WAIT_MS)
            : throwError(() => error),
      }),
      map((body) => parseEndpoint(body, this.clock.now())),
    );
  }

  /** The app's topics (app scope), every page of them. */
  appTopics$(): Observable<string[]> {
    type Page = { topics: { topicID: string }[]; paginationKey?: string };
    const page$ = (key?: string) =>
      this.rest.app$<Page>('GET', '/topics', { query: { paginationKey: key } });
    return page$().pipe(
      expand((page) => (page.paginationKey ? page$(page.paginationKey) : EMPTY)),
      reduce((names: string[], page) => [...names, ...page.topics.map((t) => t.topicID)], []),
    );
  }

  /** Fresh credentials for the local server's tap (every push, wrapped with its routing). */
  tapEndpoint$(): Observable<MqttEndpoint> {
    return this.rest
      .extension$<unknown>('POST', '/tap')
      .pipe(map((body) => parseEndpoint(body, this.clock.now())));
  }

  /**
   * The monitor thing of the signed-in app, ready to connect: registered if this browser has
   * none for the app (or the server forgot it), signed in as itself, MQTT installed.
   */
  monitorThing$(): Observable<MonitorThing> {
    return defer(() => {
      const session = this.requireSession();
      const stored = this.readThings()[appKey(session)];
      const signedIn$ = stored
        ? this.signInThing$(session, stored).pipe(
            // Unknown thing or wrong password: the server was reset; register a new one.
            catchError((error: KiiError) =>
              error.kind === 'auth' ? this.registerThing$(session) : throwError(() => error),
            ),
          )
        : this.registerThing$(session);
      return signedIn$.pipe(
        switchMap(({ thing, token }) =>
          this.installAsThing$(session, token).pipe(
            map((installationID) => ({
              thingID: thing.thingID,
              vendorThingID: thing.vendorThingID,
              installationID,
            })),
          ),
        ),
      );
    });
  }

  /** The admin subscribes the monitor thing to a topic; already subscribed counts as done. */
  subscribeThing$(thingID: string, topic: MonitoredTopic): Observable<void> {
    const path = `${monitoredTopicPath(topic)}/push/subscriptions/things/${encodeURIComponent(thingID)}`;
    return this.rest.app$<unknown>('PUT', path).pipe(
      catchError((error: KiiError) =>
        error.kind === 'conflict' ? of(null) : throwError(() => error),
      ),
      map(() => this.remember(path, true)),
    );
  }

  /** Undoes `subscribeThing$`; a subscription (or topic) already gone counts as done. */
  unsubscribeThing$(thingID: string, topic: MonitoredTopic): Observable<void> {
    const path = `${monitoredTopicPath(topic)}/push/subscriptions/things/${encodeURIComponent(thingID)}`;
    return this.unsubscribePath$(path);
  }

  /** Subscriptions a monitor made and never undid (the tab closed while it ran). */
  leftoverSubscriptions(): readonly string[] {
    const session = this.sessions.session();
    return (session && this.readThings()[appKey(session)]?.subscribed) || [];
  }

  /** Removes a leftover subscription by its path. */
  unsubscribePath$(path: string): Observable<void> {
    return this.rest.app$<unknown>('DELETE', path).pipe(
      catchError((error: KiiError) =>
        error.kind === 'not-found' ? of(null) : throwError(() => error),
      ),
      map(() => this.remember(path, false)),
    );
  }

  private registerThing$(session: Session): Observable<{ thing: StoredThing; token: string }> {
    const thing: StoredThing = {
      vendorThingID: `kpc-monitor-${randomText(8)}`,
      password: randomText(24),
      thingID: '',
      subscribed: [],
    };
    const body = {
      _vendorThingID: thing.vendorThingID,
      _password: thing.password,
      _thingType: 'kpc-monitor',
    };
    return this.rest.app$<{ _thingID: string }>('POST', '/things', { body }).pipe(
      switchMap((created) => {
        const registered = { ...thing, thingID: created._thingID };
        this.writeThing(session, registered);
        return this.signInThing$(session, registered);
      }),
    );
  }

  private signInThing$(
    session: Session,
    thing: StoredThing,
  ): Observable<{ thing: StoredThing; token: string }> {
    const headers = new HttpHeaders({
      'x-kii-appid': session.appId,
      'x-kii-appkey': session.appKey,
    });
    const body = {
      username: `VENDOR_THING_ID:${thing.vendorThingID}`,
      password: thing.password,
      grant_type: 'password',
    };
    return this.http
      .post<{ id?: string; access_token: string }>(`${session.baseUrl}/oauth2/token`, body, {
        headers,
      })
      .pipe(
        catchError((error: unknown) => throwError(() => toKiiError(error))),
        map((answer) => ({
          thing: { ...thing, thingID: answer.id || thing.thingID },
          token: answer.access_token,
        })),
      );
  }

  private installAsThing$(session: Session, token: string): Observable<string> {
    const headers = new HttpHeaders({
      'x-kii-appid': session.appId,
      'x-kii-appkey': session.appKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/vnd.kii.InstallationCreationRequest+json',
    });
    const url = `${session.baseUrl}/apps/${encodeURIComponent(session.appId)}/installations`;
    return this.http
      .post<{ installationID: string }>(
        url,
        JSON.stringify({ deviceType: 'MQTT', development: false }),
        { headers },
      )
      .pipe(
        catchError((error: unknown) => throwError(() => toKiiError(error))),
        map((answer) => answer.installationID),
      );
  }

  private remember(path: string, subscribed: boolean): void {
    const session = this.sessions.session();
    if (!session) return;
    const thing = this.readThings()[appKey(session)];
    if (!thing) return;
    const others = thing.subscribed.filter((p) => p !== path);
    this.writeThing(session, { ...thing, subscribed: subscribed ? [...others, path] : others });
  }

  private requireSession(): Session {
    const session = this.sessions.session();
    if (!session) throw makeKiiError('auth', { detail: 'No signed-in session' });
    return session;
  }

  private readThings(): StoredThings {
    return readJson(this.storage, MONITOR_THING_STORAGE_KEY, isStoredThings) ?? {};
  }

  private writeThing(session: Session, thing: StoredThing): void {
    writeJson(this.storage, MONITOR_THING_STORAGE_KEY, {
      ...this.readThings(),
      [appKey(session)]: thing,
    });
  }
}

function appKey(session: Session): string {
  return `${session.baseUrl} ${session.appId}`;
}

function randomText(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isStoredThings(value: unknown): value is StoredThings {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every(
    (thing: Record<string, unknown>) =>
      typeof thing === 'object' &&
      thing !== null &&
      typeof thing['vendorThingID'] === 'string' &&
      typeof thing['password'] === 'string' &&
      typeof thing['thingID'] === 'string' &&
      Array.isArray(thing['subscribed']),
  );
}
