import {
  Injectable,
  LOCALE_ID,
  Signal,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import {
  Observable,
  catchError,
  concat,
  defer,
  forkJoin,
  from,
  ignoreElements,
  map,
  of,
  switchMap,
  throwError,
} from 'rxjs';

import { ActionOptions, ActionResult, ActionRunner } from '../../core/action-runner';
import { BROWSER_LOCATION } from '../../core/browser';
import { KiiError, makeKiiError, toKiiError } from '../../core/kii-error';
import { LocalServer } from '../../core/local-server';
import { MQTT_CONNECTION_FACTORY } from '../../core/mqtt';
import { SessionStore } from '../../core/session';
import { ConsoleMode } from '../../core/team/console-mode';
import { MqttEndpoint } from '../../core/kii/mqtt-endpoint';
import { LIVE_CLOCK } from '../live-clock';
import { LiveFrames } from '../live-frames';
import { linkText } from '../connection/link-text';
import {
  DEFAULT_MONITOR_SETTINGS,
  Monitor,
  MonitorHooks,
  MonitorKind,
  MonitorSettings,
  StartMonitorRequest,
} from './monitor';
import { FeedDeps, MonitorFeed } from '../feed/monitor-feed';
import { LinkError, MonitorLink } from '../connection/monitor-link';
import { linkFailure, refusalError, refusalNote, topicsMonitorRunning } from './monitor-failures';
import { MonitorSources } from './monitor-sources';
import { TopicRef, topicLabel, topicPath } from '../../core/kii/topic-scope';

/**
 * The live monitors, app-wide: they keep running while the operator visits other pages (the
 * Compose page sends a push and shows it arriving here). Each monitor's link hands its
 * messages straight to its feed, outside Angular's change detection; the feed publishes them
 * to signals at most once per animation frame. The store only keeps the per-second rate tick.
 * The store shape of `core/action-runner.ts`: starting, stopping, restarting and removing
 * run through its `ActionRunner`, which reports failures; the `...$` methods below them are
 * the work itself.
 */
@Injectable({ providedIn: 'root' })
export class MonitorStore {
  private readonly factory = inject(MQTT_CONNECTION_FACTORY);
  private readonly clock = inject(LIVE_CLOCK);
  private readonly sources = inject(MonitorSources);
  private readonly sessions = inject(SessionStore);
  private readonly mode = inject(ConsoleMode);
  private readonly localServer = inject(LocalServer);
  private readonly secure = inject(BROWSER_LOCATION).origin.startsWith('https:');
  private readonly text = linkText(inject(LOCALE_ID));
  private readonly actions = new ActionRunner();

  private readonly list = signal<readonly Monitor[]>([]);
  // The session token each monitor was started with.
  private readonly startedWith = new WeakMap<Monitor, string | undefined>();
  private nextId = 0;
  private nextSeq = 0;
  private readonly feedDeps: FeedDeps = {
    frames: inject(LiveFrames),
    clock: this.clock,
    sequence: () => ++this.nextSeq,
  };
  private cancelRateTick: (() => void) | null = null;

  /** All monitors, running or stopped, in the order they were started. */
  readonly monitors: Signal<readonly Monitor[]> = this.list.asReadonly();
  /** True while a monitor starts, stops, restarts or is removed. */
  readonly busy = computed(() => this.actions.pending().size > 0);
  /** The local server offers the tap ("All traffic"). */
  readonly tapAvailable = computed(
    () => this.localServer.info()?.extensions.includes('tap') === true,
  );

  constructor() {
    // Endpoints and tokens belong to the session that fetched them: stop on sign-out or switch.
    effect(() => {
      const token = this.sessions.session()?.token;
      untracked(() => {
        for (const monitor of this.list())
          if (this.startedWith.get(monitor) !== token) monitor.link.stop();
      });
    });
  }

  /**
   * Starts the monitor asked for and emits how that went; `report: false` when the caller
   * shows a failure itself (the Compose page's panel, beside its buttons).
   */
  start$(
    request: StartMonitorRequest,
    options: ActionOptions = {},
  ): Observable<ActionResult<Monitor>> {
    const label = $localize`:Action name in an error message, starting a monitor@@kpc.live.starting:Starting the monitor`;
    return this.actions.run$(label, this.work$(request), options);
  }

  /** Starts the monitor asked for; a failure is reported. */
  start(request: StartMonitorRequest): void {
    this.start$(request).subscribe();
  }

  /** Stops a monitor (`stop$`); a failure is reported. */
  stop(monitor: Monitor): void {
    const label = $localize`:Action name in an error message, stopping a monitor@@kpc.live.stopping:Stopping the monitor`;
    this.actions.run(label, this.stop$(monitor));
  }

  /** Starts a monitor again (`restart$`); a failure is reported. */
  restart(monitor: Monitor): void {
    const label = $localize`:Action name in an error message, starting a monitor again@@kpc.live.restarting:Starting the monitor again`;
    this.actions.run(label, this.restart$(monitor));
  }

  /** Removes a monitor (`remove$`); a failure is reported. */
  remove(monitor: Monitor): void {
    const label = $localize`:Action name in an error message, removing a monitor@@kpc.live.removing:Removing the monitor`;
    this.actions.run(label, this.remove$(monitor));
  }

  /**
   * Watches an installation's own MQTT connection. This takes the device's connection over
   * (one connection per client ID): warn the operator first (`TakeoverDialog`). Emits the
   * monitor once connected and subscribed; otherwise errors with a `KiiError`.
   */
  startInstallationMonitor$(
    installationID: string,
    settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS,
  ): Observable<Monitor> {
    return this.sources.installation$(installationID).pipe(
      switchMap((info) => {
        const label = info.owner
          ? info.owner.kind === 'user'
            ? $localize`:Monitor name for a user's installation; OWNER is the login name@@kpc.live.labelUserInstallation:Installation of user ${info.owner.name}:OWNER:`
            : $localize`:Monitor name for a thing's installation; OWNER is the vendor thing ID@@kpc.live.labelThingInstallation:Installation of thing ${info.owner.name}:OWNER:`
          : $localize`:Monitor name for an installation; ID is the installation ID@@kpc.live.labelInstallation:Installation ${installationID}:ID:`;
        const monitor = this.create(
          'installation',
          label,
          settings,
          () => this.sources.installationEndpoint$(installationID),
          {
            installationID,
          },
        );
        return this.run$(monitor);
      }),
    );
  }

  /**
   * Watches topics without disturbing anyone: the console's monitor thing subscribes to them
   * and its own connection is streamed. Topics the server refuses become notes on the monitor;
   * when it refuses them all, nothing starts. Only one Topics monitor runs per app at a time.
   */
  startTopicMonitor$(
    topics: readonly TopicRef[],
    settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS,
  ): Observable<Monitor> {
    return defer(() => {
      if (topics.length === 0)
        return throwError(() => makeKiiError('invalid', { detail: 'No topic was chosen.' }));
      if (this.list().some((m) => m.kind === 'topics' && m.running())) {
        return throwError(() => topicsMonitorRunning());
      }
      if (this.mode.team()) return this.startTeamTopicMonitor$(topics, settings);
      return this.sources.monitorThing$().pipe(
        switchMap((thing) =>
          this.cleanLeftovers$(topics).pipe(
            switchMap(() => this.subscribeAll$(thing.thingID, topics)),
            switchMap(({ subscribed, refusals }) => {
              if (subscribed.length === 0) return throwError(() => refusals[0].error);
              const label = topicsMonitorLabel(subscribed);
              const hooks: MonitorHooks = {
                beforeStart$: () =>
                  this.subscribeAll$(thing.thingID, subscribed).pipe(map(() => undefined)),
                afterStop$: () => this.unsubscribeAll$(thing.thingID, subscribed),
              };
              const endpoint$ = () => this.sources.installationEndpoint$(thing.installationID);
              const monitor = this.create('topics', label, settings, endpoint$, {
                topics: subscribed,
                hooks,
              });
              for (const refusal of refusals) monitor.note(refusal.note);
              return this.run$(monitor);
            }),
          ),
        ),
      );
    });
  }

  /**
   * Team mode: the console server subscribes the person's monitor thing (one per app and person,
   * docs/team-api.md, "Monitors") and hands out its endpoint; asking for the first topic again
   * renews the credentials. Stopping unsubscribes through the same route.
   */
  private startTeamTopicMonitor$(
    topics: readonly TopicRef[],
    settings: MonitorSettings,
  ): Observable<Monitor> {
    const start = (topic: TopicRef) => this.sources.teamTopicEndpoint$(topic);
    return this.subscribeEach$(topics, start).pipe(
      switchMap(({ subscribed, refusals }) => {
        if (subscribed.length === 0) return throwError(() => refusals[0].error);
        const label = topicsMonitorLabel(subscribed);
        const hooks: MonitorHooks = {
          beforeStart$: () => this.subscribeEach$(subscribed, start).pipe(map(() => undefined)),
          afterStop$: () =>
            forkJoin(subscribed.map((topic) => this.sources.teamTopicStop$(topic))).pipe(
              map(() => undefined),
            ),
        };
        const endpoint$ = () => start(subscribed[0]);
        const monitor = this.create('topics', label, settings, endpoint$, {
          topics: subscribed,
          hooks,
        });
        for (const refusal of refusals) monitor.note(refusal.note);
        return this.run$(monitor);
      }),
    );
  }

  /** Watches every push the local server delivers (its tap extension). */
  startTapMonitor$(settings: MonitorSettings = DEFAULT_MONITOR_SETTINGS): Observable<Monitor> {
    return defer(() => {
      const label = $localize`:Monitor name for the all-traffic tap@@kpc.live.labelTap:All traffic`;
      return this.run$(this.create('tap', label, settings, () => this.sources.tapEndpoint$()));
    });
  }

  /** Stops the connection (the buffer stays) and undoes a Topics monitor's subscriptions. */
  stop$(monitor: Monitor): Observable<void> {
    return defer(() => {
      monitor.link.stop();
      return monitor.afterStop$();
    });
  }

  /** Starts a stopped or failed monitor again, keeping its buffer. */
  restart$(monitor: Monitor): Observable<Monitor> {
    return defer(() => {
      if (
        monitor.kind === 'topics' &&
        this.list().some((m) => m !== monitor && m.kind === 'topics' && m.running())
      ) {
        return throwError(() => topicsMonitorRunning());
      }
      this.startedWith.set(monitor, this.sessions.session()?.token);
      return concat(monitor.beforeStart$().pipe(ignoreElements()), this.run$(monitor));
    });
  }

  /** Stops the monitor if needed and forgets it with its buffer. */
  remove$(monitor: Monitor): Observable<void> {
    return this.stop$(monitor).pipe(
      catchError(() => of(undefined)),
      map(() => {
        this.list.update((monitors) => monitors.filter((m) => m !== monitor));
        monitor.feed.dispose();
        if (this.list().length === 0) this.stopRateTick();
      }),
    );
  }

  private work$(request: StartMonitorRequest): Observable<Monitor> {
    switch (request.kind) {
      case 'installation':
        return this.startInstallationMonitor$(request.installationID, request.settings);
      case 'topics':
        return this.startTopicMonitor$(request.topics, request.settings);
      case 'tap':
        return this.startTapMonitor$(request.settings);
    }
  }

  private create(
    kind: MonitorKind,
    label: string,
    settings: MonitorSettings,
    endpoint$: () => Observable<MqttEndpoint>,
    extra: {
      installationID?: string;
      topics?: readonly TopicRef[];
      hooks?: MonitorHooks;
    } = {},
  ): Monitor {
    const id = `m${++this.nextId}`;
    const source = { monitorId: id, label, tapped: kind === 'tap' };
    const feed = new MonitorFeed(source, this.feedDeps, settings.capacity);
    // Messages go straight from the connection to the feed, which publishes once a frame.
    const link = new MonitorLink(
      {
        factory: this.factory,
        clock: this.clock,
        text: this.text,
        endpoint$,
        onMessage: (topic, payload) => feed.take(topic, payload),
      },
      { keepAliveSeconds: settings.keepAliveSeconds, secure: this.secure },
    );
    const monitor = new Monitor({ id, kind, label, settings, ...extra }, feed, link);
    this.startedWith.set(monitor, this.sessions.session()?.token);
    this.list.update((monitors) => [...monitors, monitor]);
    this.startRateTick();
    return monitor;
  }

  private run$(monitor: Monitor): Observable<Monitor> {
    return from(monitor.link.start()).pipe(
      map(() => monitor),
      catchError((error: LinkError) => throwError(() => linkFailure(error))),
    );
  }

  private subscribeAll$(
    thingID: string,
    topics: readonly TopicRef[],
  ): Observable<{ subscribed: TopicRef[]; refusals: { error: KiiError; note: string }[] }> {
    return this.subscribeEach$(topics, (topic) => this.sources.subscribeThing$(thingID, topic));
  }

  /** Subscribes each topic on its own; the refused ones come back as notes, not a failure. */
  private subscribeEach$(
    topics: readonly TopicRef[],
    subscribe: (topic: TopicRef) => Observable<unknown>,
  ): Observable<{ subscribed: TopicRef[]; refusals: { error: KiiError; note: string }[] }> {
    const each = topics.map((topic) =>
      subscribe(topic).pipe(
        map(() => ({ topic, error: null as KiiError | null })),
        catchError((raw: unknown) => of({ topic, error: toKiiError(raw) })),
      ),
    );
    return forkJoin(each).pipe(
      map((results) => ({
        subscribed: results.filter((r) => !r.error).map((r) => r.topic),
        refusals: results
          .filter((r): r is { topic: TopicRef; error: KiiError } => r.error !== null)
          .map(({ topic, error }) => ({
            error: refusalError(topic, error),
            note: refusalNote(topic, error),
          })),
      })),
    );
  }

  private unsubscribeAll$(thingID: string, topics: readonly TopicRef[]): Observable<void> {
    return forkJoin(topics.map((topic) => this.sources.unsubscribeThing$(thingID, topic))).pipe(
      map(() => undefined),
    );
  }

  /** Subscriptions left by a monitor that never stopped (a closed tab) would mix in; undo them. */
  private cleanLeftovers$(keep: readonly TopicRef[]): Observable<void> {
    const kept = new Set(keep.map(topicPath));
    const stale = this.sources
      .leftoverSubscriptions()
      .filter((path) => !kept.has(path.replace(/\/push\/subscriptions\/.*$/, '')));
    if (stale.length === 0) return of(undefined);
    return forkJoin(
      stale.map((path) =>
        this.sources.unsubscribePath$(path).pipe(catchError(() => of(undefined))),
      ),
    ).pipe(map(() => undefined));
  }

  private startRateTick(): void {
    if (this.cancelRateTick) return;
    const tick = () => {
      for (const monitor of this.list()) monitor.feed.tickRate();
      // Aligned to the second, so each bar is one whole second.
      this.cancelRateTick = this.clock.setTimeout(tick, 1000 - (this.clock.now() % 1000) + 5);
    };
    tick();
  }

  private stopRateTick(): void {
    this.cancelRateTick?.();
    this.cancelRateTick = null;
  }
}

function topicsMonitorLabel(topics: readonly TopicRef[]): string {
  return $localize`:Monitor name for a Topics monitor; TOPICS lists the topics@@kpc.live.labelTopics:Topics: ${topics.map(topicLabel).join(', ')}:TOPICS:`;
}
