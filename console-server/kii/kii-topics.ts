import type { KiiAppCredentials } from './admin-tokens';
import { KiiCallError } from './kii-call-error';
import { stringField, type KiiAnswer } from './kii-http';

/** A topic scope (docs/kii-api.md §6.1); group topics are not offered by the console. */
export type TopicScope = { kind: 'app' } | { kind: 'user' | 'thing'; id: string };

/** Who subscribes (docs/kii-api.md §7.1). */
export interface Subscriber {
  kind: 'user' | 'thing';
  id: string;
}

/** Kii's topic ID rule (docs/kii-api.md §6.1). */
export const TOPIC_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/**
 * IDs in a scope or subscriber: opaque to us, but never holding what has a meaning in a path;
 * 190 long at most, so `thing:<id>` stays within the router's 200-character path parameter.
 */
const ID = /^[^\s/?#%"'\\]{1,190}$/;

/** Parses `app`, `user:<userID>` or `thing:<thingID>`; undefined for anything else. */
export function parseTopicScope(text: string): TopicScope | undefined {
  if (text === 'app') return { kind: 'app' };
  const subscriber = parseSubscriber(text);
  return subscriber && { kind: subscriber.kind, id: subscriber.id };
}

/** Parses `user:<userID>` or `thing:<thingID>`. */
export function parseSubscriber(text: string): Subscriber | undefined {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if ((kind !== 'user' && kind !== 'thing') || !ID.test(id)) return undefined;
  return { kind, id };
}

export function formatTopicScope(scope: TopicScope): string {
  return scope.kind === 'app' ? 'app' : `${scope.kind}:${scope.id}`;
}

export function formatSubscriber(subscriber: Subscriber): string {
  return `${subscriber.kind}:${subscriber.id}`;
}

/** One page of a scope's topics (docs/kii-api.md §6.5). */
export interface TopicPage {
  topics: string[];
  nextPaginationKey?: string;
}

type AdminCall = (
  app: KiiAppCredentials,
  request: { operation: string; method: 'GET' | 'PUT' | 'DELETE'; path: string },
) => Promise<KiiAnswer>;

const segment = encodeURIComponent;

function scopePath(app: KiiAppCredentials, scope: TopicScope): string {
  const appPath = `/apps/${segment(app.appId)}`;
  if (scope.kind === 'app') return appPath;
  return `${appPath}/${scope.kind === 'user' ? 'users' : 'things'}/${segment(scope.id)}`;
}

function topicPath(app: KiiAppCredentials, scope: TopicScope, topicID: string): string {
  return `${scopePath(app, scope)}/topics/${segment(topicID)}`;
}

function subscriptionPath(
  app: KiiAppCredentials,
  scope: TopicScope,
  topicID: string,
  who: Subscriber,
): string {
  const kind = who.kind === 'user' ? 'users' : 'things';
  return `${topicPath(app, scope, topicID)}/push/subscriptions/${kind}/${segment(who.id)}`;
}

/**
 * Topics and subscriptions as the app admin (docs/kii-api.md §6, §7.1): the admin may act on
 * every scope, and subscribes users and things by ID. Failures reject with {@link KiiCallError}.
 */
export class KiiTopics {
  constructor(private readonly asAdmin: AdminCall) {}

  async list(app: KiiAppCredentials, scope: TopicScope, paginationKey?: string) {
    const operation = 'list topics';
    const query = paginationKey ? `?paginationKey=${segment(paginationKey)}` : '';
    const answer = await this.asAdmin(app, {
      operation,
      method: 'GET',
      path: `${scopePath(app, scope)}/topics${query}`,
    });
    const body = answer.body as { topics?: unknown; paginationKey?: unknown } | undefined;
    if (!Array.isArray(body?.topics)) {
      throw new KiiCallError(operation, 200, 'INVALID_RESPONSE', `${operation}: no topics`);
    }
    const page: TopicPage = {
      topics: body.topics.map((topic) => stringField(operation, topic, 'topicID')),
    };
    if (typeof body.paginationKey === 'string' && body.paginationKey !== '')
      page.nextPaginationKey = body.paginationKey;
    return page;
  }

  async create(app: KiiAppCredentials, scope: TopicScope, topicID: string): Promise<void> {
    await this.asAdmin(app, {
      operation: 'create topic',
      method: 'PUT',
      path: topicPath(app, scope, topicID),
    });
  }

  async remove(app: KiiAppCredentials, scope: TopicScope, topicID: string): Promise<void> {
    await this.asAdmin(app, {
      operation: 'delete topic',
      method: 'DELETE',
      path: topicPath(app, scope, topicID),
    });
  }

  /** False only for PUSH_SUBSCRIPTION_NOT_FOUND, as the SDK's isSubscribed (§7.1). */
  async isSubscribed(
    app: KiiAppCredentials,
    scope: TopicScope,
    topicID: string,
    who: Subscriber,
  ): Promise<boolean> {
    try {
      await this.asAdmin(app, {
        operation: 'check subscription',
        method: 'GET',
        path: subscriptionPath(app, scope, topicID, who),
      });
      return true;
    } catch (error) {
      if (error instanceof KiiCallError && error.errorCode === 'PUSH_SUBSCRIPTION_NOT_FOUND')
        return false;
      throw error;
    }
  }

  /** Subscribes; an existing subscription is not a failure (`already: true`). */
  async subscribe(
    app: KiiAppCredentials,
    scope: TopicScope,
    topicID: string,
    who: Subscriber,
  ): Promise<{ already: boolean }> {
    try {
      await this.asAdmin(app, {
        operation: 'subscribe',
        method: 'PUT',
        path: subscriptionPath(app, scope, topicID, who),
      });
      return { already: false };
    } catch (error) {
      if (error instanceof KiiCallError && error.errorCode === 'PUSH_SUBSCRIPTION_ALREADY_EXISTS')
        return { already: true };
      throw error;
    }
  }

  async unsubscribe(
    app: KiiAppCredentials,
    scope: TopicScope,
    topicID: string,
    who: Subscriber,
  ): Promise<void> {
    await this.asAdmin(app, {
      operation: 'unsubscribe',
      method: 'DELETE',
      path: subscriptionPath(app, scope, topicID, who),
    });
  }
}
