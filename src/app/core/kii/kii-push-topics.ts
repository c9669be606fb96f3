import { Injectable, inject } from '@angular/core';
import { Observable, catchError, defer, from, map, switchMap, throwError } from 'rxjs';

import { SdkAdminContext, SdkTopic, SdkTopicScope } from '../kii-sdk';
import { makeKiiError, toKiiError } from '../kii-error';
import { ResolvedPrincipal } from '../principal-lookup';
import { SessionStore } from '../session';
import type { PushTopics, TopicPage } from './push-topics';
import { TOPIC_NAME_PATTERN, TopicRef, TopicScope } from './topic-scope';

/**
 * Browser-only mode's transport of `PushTopics`: topics and subscriptions as the app admin, through the official SDK's admin context
 * (`topicWithName`, `listTopics`, `userWithID(..)` / `thingWithID(..)`, `pushSubscription()`,
 * docs/kii-api.md §6-§7). Every failure arrives as a `KiiError`; a session that is not the app
 * admin's fails with kind `forbidden` before any request.
 */
@Injectable({ providedIn: 'root' })
export class KiiPushTopics implements PushTopics {
  private readonly sessions = inject(SessionStore);

  /** One page of the scope's topics, from `paginationKey` on (the first page without one). */
  list$(scope: TopicScope, paginationKey?: string): Observable<TopicPage> {
    return this.call$((admin) =>
      from(scopeOf(admin, scope).listTopics(null, paginationKey || undefined)).pipe(
        map((result) => ({
          names: Array.from(result[0] ?? [], (topic) => topic.getName()),
          nextKey: result[1] || null,
        })),
      ),
    );
  }

  /** Creates the topic (409 TOPIC_ALREADY_EXISTS when it exists). */
  create$(topic: TopicRef): Observable<void> {
    return this.call$((admin) => from(topicOf(admin, topic).save()).pipe(map(() => undefined)));
  }

  /** Deletes the topic and with it its subscriptions. */
  delete$(topic: TopicRef): Observable<void> {
    return this.call$((admin) =>
      from(topicOf(admin, topic).deleteTopic()).pipe(map(() => undefined)),
    );
  }

  /** Subscribes a user or thing (409 PUSH_SUBSCRIPTION_ALREADY_EXISTS when it already does). */
  subscribe$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<void> {
    return this.call$((admin) =>
      from(subjectOf(admin, subscriber).pushSubscription().subscribe(topicOf(admin, topic))).pipe(
        map(() => undefined),
      ),
    );
  }

  /** Unsubscribes a user or thing (404 PUSH_SUBSCRIPTION_NOT_FOUND when it did not subscribe). */
  unsubscribe$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<void> {
    return this.call$((admin) =>
      from(subjectOf(admin, subscriber).pushSubscription().unsubscribe(topicOf(admin, topic))).pipe(
        map(() => undefined),
      ),
    );
  }

  /** Whether the user or thing subscribes; a missing topic fails with TOPIC_NOT_FOUND. */
  isSubscribed$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<boolean> {
    return this.call$((admin) => {
      const subscription = subjectOf(admin, subscriber).pushSubscription();
      return from(subscription.isSubscribed(topicOf(admin, topic))).pipe(
        map((result) => result[2] === true),
      );
    });
  }

  private call$<T>(work: (admin: SdkAdminContext) => Observable<T>): Observable<T> {
    return this.sessions.context$().pipe(
      switchMap((context) => {
        if (context.kind !== 'admin') {
          return throwError(() =>
            makeKiiError('forbidden', { detail: 'Topics are managed as the app admin.' }),
          );
        }
        // defer: the SDK (and topicOf) throw synchronously for arguments they reject.
        return defer(() => work(context.admin));
      }),
      catchError((error: unknown) => throwError(() => toKiiError(error))),
    );
  }
}

function scopeOf(admin: SdkAdminContext, scope: TopicScope): SdkTopicScope {
  switch (scope.kind) {
    case 'app':
      return admin;
    case 'user':
      return admin.userWithID(scope.owner.id);
    case 'thing':
      return admin.thingWithID(scope.owner.id);
  }
}

function topicOf(admin: SdkAdminContext, topic: TopicRef): SdkTopic {
  // Checked here: the SDK would throw a bare `InvalidArgumentException` object, and the
  // server's refusal says less about the rule.
  if (!TOPIC_NAME_PATTERN.test(topic.name)) {
    throw makeKiiError('invalid', {
      detail: `Topic name "${topic.name}": use 1-64 letters, digits, _ or -.`,
    });
  }
  return scopeOf(admin, topic.scope).topicWithName(topic.name);
}

function subjectOf(admin: SdkAdminContext, subscriber: ResolvedPrincipal) {
  return subscriber.kind === 'user'
    ? admin.userWithID(subscriber.id)
    : admin.thingWithID(subscriber.id);
}
