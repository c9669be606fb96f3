import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, throwError } from 'rxjs';

import { makeKiiError, toKiiError } from '../kii-error';
import { ResolvedPrincipal } from '../principal-lookup';
import { SessionStore } from '../session';
import { TeamApi } from '../team/team-api';
import type { PushTopics, TopicPage } from './push-topics';
import { TOPIC_NAME_PATTERN, TopicRef, TopicScope } from './topic-scope';

/** `app`, `user:<userID>` or `thing:<thingID>`: a scope as the team API writes it. */
export function teamScopeText(scope: TopicScope): string {
  return scope.kind === 'app' ? 'app' : `${scope.kind}:${scope.owner.id}`;
}

/**
 * Team mode's transport of `PushTopics`: the console server's topic and subscription routes
 * (docs/team-api.md, "Topics" and "Subscriptions") for the chosen app.
 */
@Injectable({ providedIn: 'root' })
export class TeamPushTopics implements PushTopics {
  private readonly api = inject(TeamApi);
  private readonly sessions = inject(SessionStore);

  list$(scope: TopicScope, paginationKey?: string): Observable<TopicPage> {
    return this.call$((base) =>
      this.api.get$<{ topics: { topicID: string }[]; nextCursor?: string }>(`${base}/topics`, {
        scope: teamScopeText(scope),
        cursor: paginationKey || undefined,
      }),
    ).pipe(
      map((page) => ({
        names: (page.topics ?? []).map((topic) => topic.topicID),
        nextKey: page.nextCursor || null,
      })),
    );
  }

  create$(topic: TopicRef): Observable<void> {
    return this.call$(
      (base) =>
        this.api.post$<unknown>(`${base}/topics`, {
          scope: teamScopeText(topic.scope),
          topicID: topic.name,
        }),
      topic,
    ).pipe(map(() => undefined));
  }

  delete$(topic: TopicRef): Observable<void> {
    return this.call$((base) => this.api.delete$<unknown>(topicPath(base, topic)), topic).pipe(
      map(() => undefined),
    );
  }

  subscribe$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<void> {
    return this.call$(
      (base) => this.api.put$<unknown>(subscriptionPath(base, topic, subscriber)),
      topic,
    ).pipe(map(() => undefined));
  }

  unsubscribe$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<void> {
    return this.call$(
      (base) => this.api.delete$<unknown>(subscriptionPath(base, topic, subscriber)),
      topic,
    ).pipe(map(() => undefined));
  }

  isSubscribed$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<boolean> {
    return this.call$(
      (base) => this.api.get$<{ subscribed: boolean }>(subscriptionPath(base, topic, subscriber)),
      topic,
    ).pipe(map((answer) => answer?.subscribed === true));
  }

  /** Runs `work` with `/apps/{appId}`; a topic name Kii would refuse fails before any call. */
  private call$<T>(work: (base: string) => Observable<T>, topic?: TopicRef): Observable<T> {
    const appId = this.sessions.session()?.appId;
    if (!appId) return throwError(() => makeKiiError('auth', { detail: 'No app is chosen.' }));
    if (topic && !TOPIC_NAME_PATTERN.test(topic.name)) {
      return throwError(() =>
        makeKiiError('invalid', {
          detail: `Topic name "${topic.name}": use 1-64 letters, digits, _ or -.`,
        }),
      );
    }
    return work(this.api.appPath(appId, '')).pipe(
      catchError((raw: unknown) => throwError(() => toKiiError(raw))),
    );
  }
}

function topicPath(base: string, topic: TopicRef): string {
  const scope = encodeURIComponent(teamScopeText(topic.scope));
  return `${base}/topics/${scope}/${encodeURIComponent(topic.name)}`;
}

function subscriptionPath(base: string, topic: TopicRef, subscriber: ResolvedPrincipal): string {
  const who = encodeURIComponent(`${subscriber.kind}:${subscriber.id}`);
  return `${topicPath(base, topic)}/subscriptions/${who}`;
}
