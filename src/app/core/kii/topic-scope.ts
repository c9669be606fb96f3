import { ResolvedPrincipal } from '../principal-lookup';

/** Where topics live: the app, or one user's or thing's own scope (docs/kii-api.md §6.1). */
export type TopicScope =
  { readonly kind: 'app' } | { readonly kind: 'user' | 'thing'; readonly owner: ResolvedPrincipal };

export const APP_SCOPE: TopicScope = { kind: 'app' };

/** Kii's topic ID rule (docs/kii-api.md §6.1): letters, digits, `_` and `-`, at most 64. */
export const TOPIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** One topic in one scope. */
export interface TopicRef {
  readonly scope: TopicScope;
  readonly name: string;
}

/** The topic's REST path below `/apps/{appID}`. */
export function topicPath(topic: TopicRef): string {
  return `${scopePath(topic.scope)}/topics/${encodeURIComponent(topic.name)}`;
}

/** The scope's REST path below `/apps/{appID}`: '' for the app. */
export function scopePath(scope: TopicScope): string {
  if (scope.kind === 'app') return '';
  const collection = scope.kind === 'user' ? 'users' : 'things';
  return `/${collection}/${encodeURIComponent(scope.owner.id)}`;
}

/** True when both name the same topic in the same scope. */
export function sameTopic(a: TopicRef, b: TopicRef): boolean {
  return a.name === b.name && sameScope(a.scope, b.scope);
}

/** True when both name the same scope. */
export function sameScope(a: TopicScope, b: TopicScope): boolean {
  if (a.kind === 'app' || b.kind === 'app') return a.kind === b.kind;
  return a.kind === b.kind && a.owner.id === b.owner.id;
}

/** "App scope", "User alice", "Thing door-sensor-042": for headings and lists. */
export function scopeLabel(scope: TopicScope): string {
  switch (scope.kind) {
    case 'app':
      return $localize`:Name of the app-wide topic scope@@kpc.topics.scopeApp:App scope`;
    case 'user':
      return $localize`:Topic scope of one user; NAME is the login name@@kpc.topics.scopeUser:User ${scope.owner.name}:NAME:`;
    case 'thing':
      return $localize`:Topic scope of one thing; NAME is the vendor thing ID@@kpc.topics.scopeThing:Thing ${scope.owner.name}:NAME:`;
  }
}

/** "announcements", "news (user alice)", "alerts (thing door-sensor-042)": one topic in a line. */
export function topicLabel(topic: TopicRef): string {
  const scope = topic.scope;
  if (scope.kind === 'app') return topic.name;
  const owner = scope.owner.name;
  return scope.kind === 'user'
    ? $localize`:A user-scope topic; TOPIC is its name, OWNER the user's login name@@kpc.live.userTopic:${topic.name}:TOPIC: (user ${owner}:OWNER:)`
    : $localize`:A thing-scope topic; TOPIC is its name, OWNER the vendor thing ID@@kpc.live.thingTopic:${topic.name}:TOPIC: (thing ${owner}:OWNER:)`;
}

/** "alice" (user) / "door-sensor-042" (thing) with its kind, for subscriber messages. */
export function subscriberLabel(subscriber: ResolvedPrincipal): string {
  return subscriber.kind === 'user'
    ? $localize`:A user named in a subscription message; NAME is the login name@@kpc.topics.subscriberUser:user ${subscriber.name}:NAME:`
    : $localize`:A thing named in a subscription message; NAME is the vendor thing ID@@kpc.topics.subscriberThing:thing ${subscriber.name}:NAME:`;
}
