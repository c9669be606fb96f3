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
  switchMap,
  throwError,
} from 'rxjs';

import { LOCAL_STORAGE, readJson, writeJson } from '../../core/browser';
import { KiiError, makeKiiError } from '../../core/kii-error';
import { KiiRest } from '../../core/kii-rest';
import { PrincipalLookup } from '../../core/principal-lookup';
import { Session, SessionStore } from '../../core/session';
import { Installation } from '../../core/kii/installation';
import { MqttEndpoint, parseMqttEndpoint } from '../../core/kii/mqtt-endpoint';
import { PushInstallations } from '../../core/kii/push-installations';
import { PushTopics } from '../../core/kii/push-topics';
import { teamScopeText } from '../../core/kii/team-push-topics';
import { APP_SCOPE, TopicRef, topicPath } from '../../core/kii/topic-scope';
import { ConsoleMode } from '../../core/team/console-mode';
import { TeamApi } from '../../core/team/team-api';
import { LIVE_CLOCK } from '../live-clock';

/** localStorage key of the monitor things' credentials, one per base URL and app. */
export const MONITOR_THING_STORAGE_KEY = 'kpc-monitor-things';

/** The console's own thing that Topics monitors subscribe to topics. */
export interface MonitorThing {
  readonly thingID: string;
  readonly vendorThingID: string;
  readonly installationID: string;
}

interface StoredThing {
  readonly vendorThingID: string;
  /** Kii registers no thing without one; the console acts on the thing as the admin. */
  readonly password: string;
  readonly thingID: string;
  /** Topic paths subscribed and not yet unsubscribed (cleaned up at the next start). */
  readonly subscribed: readonly string[];
}

type StoredThings = Record<string, StoredThing>;

/**
 * Where monitors get their MQTT endpoints: an installation's `mqtt-endpoint`, the local
 * server's tap, or the console's monitor thing (registered once per app, kept in
 * localStorage, given an MQTT installation and subscribed to topics by the admin). Every Kii
 * call but the thing's registration and the tap goes through the console's one Kii client
 * layer (`core/kii/`).
 */
@Injectable({ providedIn: 'root' })
export class MonitorSources {
  private readonly rest = inject(KiiRest);
  private readonly installations = inject(PushInstallations);
  private readonly topics = inject(PushTopics);
  private readonly sessions = inject(SessionStore);
  private readonly lookup = inject(PrincipalLookup);
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly clock = inject(LIVE_CLOCK);
  private readonly mode = inject(ConsoleMode);
  private readonly team = inject(TeamApi);

  /** The installation with its owner's name; refuses non-MQTT installations. */
  installation$(installationID: string): Observable<Installation> {
    return this.installations.get$({ by: 'id', installationID }).pipe(
      switchMap((installation) => {
        if (installation.deviceType !== 'MQTT') {
          return throwError(() =>
            makeKiiError('invalid', {
              status: 200,
              detail: `${installationID} is a ${installation.deviceType} installation.`,
            }),
          );
        }
        const owner = installation.owner;
        if (!owner) return of(installation);
        // The name is for the label only: an owner that cannot be looked up keeps its ID.
        return this.lookup.resolve$({ kind: owner.kind, by: 'id', value: owner.id }).pipe(
          map((named) => ({ ...installation, owner: { ...owner, name: named.name } })),
          catchError(() => of(installation)),
        );
      }),
    );
  }

  /**
   * The installation's MQTT endpoint (a 503 is waited out by `PushInstallations`). In team
   * mode the console server's monitor route hands it out (operator; audited as monitor as
   * installation, since connecting takes the device's connection over).
   */
  installationEndpoint$(installationID: string): Observable<MqttEndpoint> {
    const endpoint$ = this.mode.team()
      ? this.teamMonitorEndpoint$(installationID)
      : this.installations.endpoint$(installationID);
    return endpoint$.pipe(
      // Monitors time the credentials' expiry on the live clock.
      map((endpoint) => ({ ...endpoint, receivedAt: this.clock.now() })),
    );
  }

  /** The app's topics (app scope), every page of them. */
  appTopics$(): Observable<string[]> {
    const page$ = (key?: string) => this.topics.list$(APP_SCOPE, key);
    return page$().pipe(
      expand((page) => (page.nextKey ? page$(page.nextKey) : EMPTY)),
      reduce((names: string[], page) => [...names, ...page.names], []),
    );
  }

  /** Fresh credentials for the local server's tap (every push, wrapped with its routing). */
  tapEndpoint$(): Observable<MqttEndpoint> {
    return this.rest
      .extension$<unknown>('POST', '/tap')
      .pipe(map((body) => parseMqttEndpoint(body, this.clock.now())));
  }

  /**
   * The monitor thing of the signed-in app, ready to connect: registered if this browser has
   * none for the app (or the server forgot it), with MQTT installed for it by the app admin.
   */
  monitorThing$(): Observable<MonitorThing> {
    return defer(() => {
      const session = this.requireSession();
      const stored = this.readThings()[appKey(session)];
      if (!stored) return this.registerThing$(session).pipe(switchMap((t) => this.install$(t)));
      return this.install$(stored).pipe(
        // Unknown thing: the server was reset; register a new one.
        catchError((error: KiiError) =>
          error.kind === 'not-found'
            ? this.registerThing$(session).pipe(switchMap((t) => this.install$(t)))
            : throwError(() => error),
        ),
      );
    });
  }

  /** The admin subscribes the monitor thing to a topic; already subscribed counts as done. */
  subscribeThing$(thingID: string, topic: TopicRef): Observable<void> {
    return this.topics.subscribe$(topic, monitorThingOf(thingID)).pipe(
      catchError((error: KiiError) =>
        error.kind === 'conflict' ? of(undefined) : throwError(() => error),
      ),
      map(() => this.remember(subscriptionPath(topic, thingID), true)),
    );
  }

  /** Undoes `subscribeThing$`; a subscription (or topic) already gone counts as done. */
  unsubscribeThing$(thingID: string, topic: TopicRef): Observable<void> {
    return this.topics.unsubscribe$(topic, monitorThingOf(thingID)).pipe(
      catchError((error: KiiError) =>
        error.kind === 'not-found' ? of(undefined) : throwError(() => error),
      ),
      map(() => this.remember(subscriptionPath(topic, thingID), false)),
    );
  }

  /** Subscriptions a monitor made and never undid (the tab closed while it ran), as paths. */
  leftoverSubscriptions(): readonly string[] {
    const session = this.sessions.session();
    return (session && this.readThings()[appKey(session)]?.subscribed) || [];
  }

  /** Removes a leftover subscription by its path; one that cannot be read is forgotten. */
  unsubscribePath$(path: string): Observable<void> {
    const subscription = subscriptionOfPath(path);
    if (!subscription) return defer(() => of(this.remember(path, false)));
    return this.unsubscribeThing$(subscription.thingID, subscription.topic);
  }

  private registerThing$(session: Session): Observable<StoredThing> {
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
      map((created) => {
        const registered = { ...thing, thingID: created._thingID };
        this.writeThing(session, registered);
        return registered;
      }),
    );
  }

  /** MQTT for the thing, installed by the admin (a repeat returns the same installation). */
  private install$(thing: StoredThing): Observable<MonitorThing> {
    const owner = { kind: 'thing' as const, id: thing.thingID, name: thing.vendorThingID };
    return this.installations.install$({ owner, development: false }).pipe(
      map(({ installationID }) => ({
        thingID: thing.thingID,
        vendorThingID: thing.vendorThingID,
        installationID,
      })),
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

  /**
   * Team mode's Topics monitor: the console server subscribes the person's own monitor thing to
   * the topic and answers that thing's endpoint (docs/team-api.md, "Monitors"); the browser never
   * registers a thing or holds an admin token. Asking again renews the credentials.
   */
  teamTopicEndpoint$(topic: TopicRef): Observable<MqttEndpoint> {
    const appId = this.requireSession().appId;
    const body = { scope: teamScopeText(topic.scope), topicID: topic.name };
    return this.team
      .post$<Record<string, unknown>>(this.team.appPath(appId, '/monitors/topic'), body)
      .pipe(
        // The monitor thing's installation is the console server's business: none is named.
        map(({ ttl, ...answer }) =>
          parseMqttEndpoint({ ...answer, 'X-MQTT-TTL': ttl }, this.clock.now()),
        ),
      );
  }

  /** Undoes `teamTopicEndpoint$`'s subscription; one already gone counts as done (204). */
  teamTopicStop$(topic: TopicRef): Observable<void> {
    const appId = this.requireSession().appId;
    const path = `/monitors/topic/${encodeURIComponent(teamScopeText(topic.scope))}/${encodeURIComponent(topic.name)}`;
    return this.team.delete$<unknown>(this.team.appPath(appId, path)).pipe(map(() => undefined));
  }

  private teamMonitorEndpoint$(installationID: string): Observable<MqttEndpoint> {
    const appId = this.sessions.session()?.appId ?? '';
    const ref = encodeURIComponent(installationID);
    return this.team
      .post$<Record<string, unknown>>(this.team.appPath(appId, `/monitors/installation/${ref}`))
      .pipe(
        // docs/team-api.md, "Monitors": Kii's X-MQTT-TTL is named `ttl` there.
        map(({ ttl, ...body }) =>
          parseMqttEndpoint({ ...body, installationID, 'X-MQTT-TTL': ttl }, Date.now()),
        ),
      );
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

/** The monitor thing as a subscriber; its name is never shown. */
function monitorThingOf(thingID: string) {
  return { kind: 'thing' as const, id: thingID, name: thingID };
}

/**
 * Where a subscription is kept in localStorage: its REST path (docs/kii-api.md §7.1), the
 * form earlier versions stored, so leftovers from them are still cleaned up.
 */
function subscriptionPath(topic: TopicRef, thingID: string): string {
  return `${topicPath(topic)}/push/subscriptions/things/${encodeURIComponent(thingID)}`;
}

const SUBSCRIPTION_PATH =
  /^(?:\/(users|things)\/([^/]+))?\/topics\/([^/]+)\/push\/subscriptions\/things\/([^/]+)$/;

/** Reads `subscriptionPath` back; null for anything else. */
function subscriptionOfPath(path: string): { topic: TopicRef; thingID: string } | null {
  const match = SUBSCRIPTION_PATH.exec(path);
  if (!match) return null;
  try {
    const [collection, owner, name, thingID] = match
      .slice(1)
      .map((part) => (part === undefined ? '' : decodeURIComponent(part)));
    if (!collection) return { topic: { scope: APP_SCOPE, name }, thingID };
    const kind = collection === 'users' ? 'user' : 'thing';
    return { topic: { scope: { kind, owner: { kind, id: owner, name: owner } }, name }, thingID };
  } catch {
    // A malformed %-sequence: not a path this console wrote.
    return null;
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
