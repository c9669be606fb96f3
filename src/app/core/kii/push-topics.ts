import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { ResolvedPrincipal } from '../principal-lookup';
import { ConsoleMode } from '../team/console-mode';
import { KiiPushTopics } from './kii-push-topics';
import { TeamPushTopics } from './team-push-topics';
import { TopicRef, TopicScope } from './topic-scope';

/** One page of a scope's topics. */
export interface TopicPage {
  readonly names: readonly string[];
  /** The key of the next page; null on the last page. */
  readonly nextKey: string | null;
}

/**
 * Topics and subscriptions, whatever the mode: as the app admin through the SDK in
 * browser-only mode (`KiiPushTopics`), through the console server in team mode
 * (`TeamPushTopics`). Every failure is a `KiiError`.
 */
@Injectable({
  providedIn: 'root',
  useFactory: () => (inject(ConsoleMode).team() ? inject(TeamPushTopics) : inject(KiiPushTopics)),
})
export abstract class PushTopics {
  /** One page of the scope's topics, from `paginationKey` on (the first page without one). */
  abstract list$(scope: TopicScope, paginationKey?: string): Observable<TopicPage>;

  /** Creates the topic (409 TOPIC_ALREADY_EXISTS when it exists). */
  abstract create$(topic: TopicRef): Observable<void>;

  /** Deletes the topic and with it its subscriptions. */
  abstract delete$(topic: TopicRef): Observable<void>;

  /** Subscribes a user or thing. */
  abstract subscribe$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<void>;

  /** Unsubscribes a user or thing (404 PUSH_SUBSCRIPTION_NOT_FOUND when it did not subscribe). */
  abstract unsubscribe$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<void>;

  /** Whether the user or thing subscribes; a missing topic fails with TOPIC_NOT_FOUND. */
  abstract isSubscribed$(topic: TopicRef, subscriber: ResolvedPrincipal): Observable<boolean>;
}
