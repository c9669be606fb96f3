import {
  SdkAdminContext,
  SdkAdminSubject,
  SdkPushSubscription,
  SdkTopic,
  SdkTopicList,
  SdkTopicScope,
} from '../app/core/kii-sdk';
import type { FakeApp } from './fake-kii-sdk';

/** One fake request: the answer returns the result or an SDK error string. */
export type FakeRequest = <T>(action: string, answer: (app: FakeApp) => T | string) => Promise<T>;

/** `KiiXHRWrapper.getErrorString`: how the SDK words topic and subscription failures. */
export function wrapperError(
  action: string,
  status: number,
  code?: string,
  message?: string,
): string {
  const base = `${action} failed. statusCode: ${status}`;
  return code ? `${base} error code: ${code} message: ${message ?? ''}` : base;
}

/** `app`, `users/<userID>` or `things/<thingID>`. */
export type FakeScope = string;
/** `users/<userID>` or `things/<thingID>`. */
export type FakeSubscriber = string;

/**
 * The topics and subscriptions of the fake Kii app, reached through the admin context the
 * way KiiSDK.js 2.4.19 reaches them (`topicWithName`, `listTopics`, `userWithID(..)`,
 * `thingWithID(..)`, `pushSubscription()`), failing with the SDK's wrapper strings and the
 * local server's rules (docs/kii-api.md §6-§7).
 */
export class FakeKiiTopics {
  /** Topics per page of `listTopics`, like the local server's 50. */
  pageSize = 50;

  // scope → topic → subscribers
  private readonly scopes = new Map<FakeScope, Map<string, Set<FakeSubscriber>>>();

  constructor(
    private readonly request: FakeRequest,
    private readonly calls: string[],
  ) {}

  /** Arranges topics in a scope. */
  add(scope: FakeScope, ...names: string[]): void {
    const topics = this.topicsOf(scope);
    for (const name of names) if (!topics.has(name)) topics.set(name, new Set());
  }

  /** Arranges a subscription. */
  subscribe(scope: FakeScope, topic: string, subscriber: FakeSubscriber): void {
    this.add(scope, topic);
    this.topicsOf(scope).get(topic)!.add(subscriber);
  }

  /** The topic names of a scope, sorted. */
  names(scope: FakeScope): string[] {
    return [...this.topicsOf(scope).keys()].sort();
  }

  /** Who subscribes to a topic, sorted. */
  subscribers(scope: FakeScope, topic: string): string[] {
    return [...(this.topicsOf(scope).get(topic) ?? [])].sort();
  }

  /** The topic parts of an admin context. */
  adminContext(): Pick<
    SdkAdminContext,
    'topicWithName' | 'listTopics' | 'userWithID' | 'thingWithID'
  > {
    return {
      ...this.scopeApi('app'),
      userWithID: (id) => this.subject('users', id),
      thingWithID: (id) => this.subject('things', id),
    };
  }

  private subject(kind: 'users' | 'things', id: string): SdkAdminSubject {
    const scope = `${kind}/${id}`;
    return { ...this.scopeApi(scope), pushSubscription: () => this.subscription(scope) };
  }

  private scopeApi(scope: FakeScope): SdkTopicScope {
    return {
      topicWithName: (name) => {
        // Like the SDK: a bare `InvalidArgumentException` object, not an Error.
        if (!name) throw { message: 'InvalidArgument: topicName should not null or empty' };
        return this.topic(scope, name);
      },
      listTopics: (_callbacks, paginationKey) => {
        this.calls.push(`listTopics ${scope} ${paginationKey ?? ''}`.trim());
        return this.request('list topics', (app) => {
          const missing = this.missingOwner(app, scope);
          if (missing) return wrapperError('list topics', ...missing);
          const names = this.names(scope).filter((name) => !paginationKey || name > paginationKey);
          const page = names.slice(0, this.pageSize).map((name) => this.topic(scope, name));
          const next = names.length > this.pageSize ? page.at(-1)!.getName() : null;
          return { 0: page, 1: next, length: 2 } as SdkTopicList;
        });
      },
    };
  }

  private topic(scope: FakeScope, name: string): SdkTopic {
    const topics = () => this.topicsOf(scope);
    const self: SdkTopic = {
      getName: () => name,
      exists: () =>
        this.request('check topic', (app) => {
          const missing = this.missingOwner(app, scope);
          return missing ? wrapperError('check topic', ...missing) : topics().has(name);
        }),
      save: () => {
        this.calls.push(`save ${scope} ${name}`);
        return this.request('save topic', (app) => {
          const missing = this.missingOwner(app, scope);
          if (missing) return wrapperError('save topic', ...missing);
          if (topics().has(name)) {
            const message = `Topic ${name} already exists`;
            return wrapperError('save topic', 409, 'TOPIC_ALREADY_EXISTS', message);
          }
          topics().set(name, new Set());
          return self;
        });
      },
      deleteTopic: () => {
        this.calls.push(`deleteTopic ${scope} ${name}`);
        return this.request('delete topic', (app) => {
          const failure = this.missingTopic(app, 'delete topic', scope, name);
          if (failure) return failure;
          topics().delete(name);
          return self;
        });
      },
    };
    // The subscription calls need to find the topic's scope again, as the SDK reads its URI.
    topicScopes.set(self, scope);
    return self;
  }

  private subscription(subscriber: FakeSubscriber): SdkPushSubscription {
    const run = <T>(action: string, topic: SdkTopic, change: (subs: Set<string>) => T | string) => {
      const scope = topicScopes.get(topic) ?? 'app';
      const name = topic.getName();
      this.calls.push(`${action} ${scope} ${name} ${subscriber}`);
      return this.request(action, (app) => {
        const failure =
          this.missingTopic(app, action, scope, name) ??
          this.refusedSubscriber(app, action, scope, subscriber);
        return failure ?? change(this.topicsOf(scope).get(name)!);
      });
    };
    return {
      subscribe: (topic) =>
        run('subscribe', topic, (subs) => {
          if (subs.has(subscriber)) {
            const message = `${subscriber} already subscribes`;
            return wrapperError('subscribe', 409, 'PUSH_SUBSCRIPTION_ALREADY_EXISTS', message);
          }
          subs.add(subscriber);
          return [null, topic];
        }),
      unsubscribe: (topic) =>
        run('unsubscribe', topic, (subs) => {
          if (!subs.delete(subscriber)) {
            const message = `${subscriber} does not subscribe`;
            return wrapperError('unsubscribe', 404, 'PUSH_SUBSCRIPTION_NOT_FOUND', message);
          }
          return [null, topic];
        }),
      isSubscribed: (topic) =>
        run('Check is subscribed', topic, (subs) => [null, topic, subs.has(subscriber)] as const),
    };
  }

  private missingOwner(app: FakeApp, scope: FakeScope): [number, string, string] | null {
    const [kind, id] = scope.split('/', 2) as [string, string | undefined];
    if (kind === 'users' && !isUser(app, id!)) {
      return [404, 'USER_NOT_FOUND', `User userID ${id} was not found`];
    }
    if (kind === 'things' && !isThing(app, id!)) {
      return [404, 'THING_NOT_FOUND', `Thing thingID ${id} was not found`];
    }
    return null;
  }

  private missingTopic(
    app: FakeApp,
    action: string,
    scope: FakeScope,
    name: string,
  ): string | null {
    const missing = this.missingOwner(app, scope);
    if (missing) return wrapperError(action, ...missing);
    if (!this.topicsOf(scope).has(name)) {
      return wrapperError(action, 404, 'TOPIC_NOT_FOUND', `Topic ${name} was not found`);
    }
    return null;
  }

  /** The subscriber must exist; user and thing topics admit only their owner. */
  private refusedSubscriber(
    app: FakeApp,
    action: string,
    scope: FakeScope,
    subscriber: FakeSubscriber,
  ): string | null {
    const missing = this.missingOwner(app, subscriber);
    if (missing) return wrapperError(action, ...missing);
    if (scope !== 'app' && scope !== subscriber) {
      return wrapperError(action, 401, 'UNAUTHORIZED', 'The user is not authorized');
    }
    return null;
  }

  private topicsOf(scope: FakeScope): Map<string, Set<FakeSubscriber>> {
    let topics = this.scopes.get(scope);
    if (!topics) this.scopes.set(scope, (topics = new Map()));
    return topics;
  }
}

const topicScopes = new WeakMap<SdkTopic, FakeScope>();

function isUser(app: FakeApp, id: string): boolean {
  return [...app.users.values()].some((user) => user.id === id);
}

function isThing(app: FakeApp, id: string): boolean {
  return [...app.things.values()].some((thing) => thing.id === id);
}
