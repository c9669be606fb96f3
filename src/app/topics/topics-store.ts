import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, Subject, catchError, map, of, switchMap, tap } from 'rxjs';

import { ActionRunner } from '../core/action-runner';
import { KiiError, toKiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { PrincipalLookup, PrincipalRef, ResolvedPrincipal } from '../core/principal-lookup';
import { PushTopics } from '../core/kii/push-topics';
import {
  APP_SCOPE,
  TopicRef,
  TopicScope,
  sameScope,
  scopeLabel,
  subscriberLabel,
} from '../core/kii/topic-scope';

/** Which scope to open: the app's, or a user's / thing's named by the operator. */
export type ScopeRequest = { readonly kind: 'app' } | PrincipalRef;

/** The last known subscription state of one subscriber to one topic. */
export interface SubscriptionStatus {
  readonly topic: TopicRef;
  readonly subscriber: ResolvedPrincipal;
  readonly subscribed: boolean;
}

/** What a subscription action does. */
export type SubscriptionAction = 'check' | 'subscribe' | 'unsubscribe';

interface Load {
  readonly request: ScopeRequest;
  /** The scope already open, when loading its next page. */
  readonly scope?: TopicScope;
  readonly after?: string;
}

/**
 * The Topics page's state: the open scope and its topics (paged through Kii's
 * `paginationKey`), topic creation and deletion, and subscription checks and changes.
 * The store shape of `core/action-runner.ts`: loads fail inline (with `retry()`); actions
 * run through its `ActionRunner`, which reports failures. Provided by the page, so it lives
 * as long as the page.
 */
@Injectable()
export class TopicsStore {
  private readonly topics = inject(PushTopics);
  private readonly lookup = inject(PrincipalLookup);
  private readonly notifier = inject(Notifier);
  private readonly destroyRef = inject(DestroyRef);

  private readonly state = signal({
    request: { kind: 'app' } as ScopeRequest,
    scope: null as TopicScope | null,
    names: [] as readonly string[],
    nextKey: null as string | null,
    loading: null as 'first' | 'more' | null,
    loadError: null as KiiError | null,
  });
  private readonly actions = new ActionRunner();
  private readonly statusState = signal<SubscriptionStatus | null>(null);
  private readonly loads = new Subject<Load>();
  private lastLoad: Load = { request: { kind: 'app' } };

  /** The open scope; null until its owner is confirmed. */
  readonly scope = computed(() => this.state().scope);
  readonly scopeLabel = computed(() => {
    const scope = this.scope();
    return scope ? scopeLabel(scope) : '';
  });
  /** Topic names loaded so far, in the server's order. */
  readonly names = computed(() => this.state().names);
  /** True while more pages wait on the server. */
  readonly hasMore = computed(() => this.state().nextKey !== null);
  /** 'first' while a scope opens, 'more' while the next page loads. */
  readonly loading = computed(() => this.state().loading);
  /** The failed load, shown inline with Retry. */
  readonly loadError = computed(() => this.state().loadError);
  /** Running actions: `create`, `delete:<topic>`, `subscription`. */
  readonly pending = this.actions.pending;
  /** The last subscription answer, for the subscription panel. */
  readonly subscription = this.statusState.asReadonly();

  constructor() {
    this.loads
      .pipe(
        // A newer load (another scope, or Retry) replaces one still under way.
        switchMap((load) => this.load$(load)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Opens a scope: the app's, or the user's / thing's after confirming that it exists. */
  open(request: ScopeRequest): void {
    this.statusState.set(null);
    this.start({ request });
  }

  /** Loads the next page of the open scope. */
  loadMore(): void {
    const { scope, nextKey, request, loading } = this.state();
    if (!scope || nextKey === null || loading) return;
    this.start({ request, scope, after: nextKey });
  }

  /** Repeats the load that failed. */
  retry(): void {
    this.start(this.lastLoad);
  }

  /** Creates a topic in the open scope and lists it. */
  create(name: string): void {
    const scope = this.scope();
    if (!scope) return;
    const label = $localize`:Action named in an error; NAME is a topic@@kpc.topics.actionCreate:Creating topic ${name}:NAME:`;
    this.actions.run(label, this.topics.create$({ scope, name }), { key: 'create' }, () => {
      this.update(scope, (names) => (names.includes(name) ? names : [...names, name].sort()));
      this.notifier.done(
        $localize`:Confirmation after creating a topic@@kpc.topics.created:Topic ${name}:NAME: created.`,
      );
    });
  }

  /** Deletes a topic of the open scope (the page asks for confirmation first). */
  remove(name: string): void {
    const scope = this.scope();
    if (!scope) return;
    const label = $localize`:Action named in an error; NAME is a topic@@kpc.topics.actionDelete:Deleting topic ${name}:NAME:`;
    const delete$ = this.topics.delete$({ scope, name });
    this.actions.run(label, delete$, { key: `delete:${name}` }, () => {
      this.update(scope, (names) => names.filter((n) => n !== name));
      const status = this.statusState();
      if (status && status.topic.name === name && sameScope(status.topic.scope, scope)) {
        this.statusState.set(null);
      }
      this.notifier.done(
        $localize`:Confirmation after deleting a topic@@kpc.topics.deleted:Topic ${name}:NAME: deleted.`,
      );
    });
  }

  /** Checks, subscribes or unsubscribes a user or thing to a topic of the open scope. */
  changeSubscription(action: SubscriptionAction, name: string, who: PrincipalRef): void {
    const scope = this.scope();
    if (!scope) return;
    const topic = { scope, name };
    const work$ = this.lookup.resolve$(who).pipe(
      switchMap((subscriber) => {
        const answer$ =
          action === 'check'
            ? this.topics.isSubscribed$(topic, subscriber)
            : (action === 'subscribe'
                ? this.topics.subscribe$(topic, subscriber)
                : this.topics.unsubscribe$(topic, subscriber)
              ).pipe(map(() => action === 'subscribe'));
        return answer$.pipe(map((subscribed) => ({ topic, subscriber, subscribed })));
      }),
    );
    const label = subscriptionActionLabel(action, name);
    this.actions.run(label, work$, { key: 'subscription' }, (status) => {
      this.statusState.set(status);
      if (action !== 'check') {
        const who = subscriberLabel(status.subscriber);
        this.notifier.done(
          status.subscribed
            ? $localize`:Confirmation after subscribing; WHO is "user alice" or "thing x"@@kpc.topics.subscribed:Subscribed ${who}:WHO: to ${name}:TOPIC:.`
            : $localize`:Confirmation after unsubscribing; WHO is "user alice" or "thing x"@@kpc.topics.unsubscribed:Unsubscribed ${who}:WHO: from ${name}:TOPIC:.`,
        );
      }
    });
  }

  private start(load: Load): void {
    this.lastLoad = load;
    this.loads.next(load);
  }

  private load$(load: Load): Observable<unknown> {
    const first = load.after === undefined;
    this.state.update((s) => ({
      ...s,
      request: load.request,
      // Opening a scope forgets the old one at once, so nothing stale can be acted on.
      ...(first ? { scope: null, names: [], nextKey: null } : {}),
      loading: first ? 'first' : 'more',
      loadError: null,
    }));
    const scope$ = load.scope ? of(load.scope) : this.scopeFor$(load.request);
    return scope$.pipe(
      switchMap((scope) =>
        this.topics.list$(scope, load.after).pipe(
          tap((page) =>
            this.state.update((s) => ({
              ...s,
              scope,
              names: first ? page.names : appendNew(s.names, page.names),
              nextKey: page.nextKey,
              loading: null,
            })),
          ),
        ),
      ),
      catchError((error: unknown) => {
        this.state.update((s) => ({ ...s, loading: null, loadError: toKiiError(error) }));
        return of(null);
      }),
    );
  }

  private scopeFor$(request: ScopeRequest): Observable<TopicScope> {
    if (request.kind === 'app') return of(APP_SCOPE);
    return this.lookup
      .resolve$(request)
      .pipe(map((owner) => ({ kind: owner.kind, owner }) as TopicScope));
  }

  /** Applies a change to the list only if the scope is still the open one. */
  private update(scope: TopicScope, change: (names: readonly string[]) => readonly string[]): void {
    this.state.update((s) =>
      s.scope && sameScope(s.scope, scope) ? { ...s, names: change(s.names) } : s,
    );
  }
}

/** The names of a next page not listed yet (a topic created meanwhile may already be). */
function appendNew(names: readonly string[], more: readonly string[]): readonly string[] {
  return [...names, ...more.filter((name) => !names.includes(name))];
}

function subscriptionActionLabel(action: SubscriptionAction, topic: string): string {
  switch (action) {
    case 'check':
      return $localize`:Action named in an error; TOPIC is a topic@@kpc.topics.actionCheck:Checking the subscription to ${topic}:TOPIC:`;
    case 'subscribe':
      return $localize`:Action named in an error; TOPIC is a topic@@kpc.topics.actionSubscribe:Subscribing to ${topic}:TOPIC:`;
    case 'unsubscribe':
      return $localize`:Action named in an error; TOPIC is a topic@@kpc.topics.actionUnsubscribe:Unsubscribing from ${topic}:TOPIC:`;
  }
}
