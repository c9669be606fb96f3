import { PrincipalRefBy, ResolvedPrincipal } from '../core/principal-lookup';
import { TopicRef, topicPath } from '../core/kii/topic-scope';
import { PayloadTarget } from './push-message';

/** What a push goes to: an app topic, a user's or thing's topic, or one user directly. */
export type TargetKind = 'app-topic' | 'user-topic' | 'thing-topic' | 'user';

export const TARGET_KINDS: readonly TargetKind[] = [
  'app-topic',
  'user-topic',
  'thing-topic',
  'user',
];

/** The target as the operator typed it. */
export interface TargetDraft {
  readonly kind: TargetKind;
  /** How the owner (or the direct push's user) is named. */
  readonly by: PrincipalRefBy;
  /** The user or thing, for every kind but `app-topic`. */
  readonly owner: string;
  /** The topic name, for the topic kinds. */
  readonly topic: string;
}

/** A confirmed target: a topic in a scope whose owner exists, or one existing user. */
export type PushTarget =
  | { readonly kind: 'topic'; readonly topic: TopicRef }
  | { readonly kind: 'user'; readonly user: ResolvedPrincipal };

/** Whether the kind needs an owner, and which kind of principal it is. */
export function ownerKind(kind: TargetKind): 'user' | 'thing' | null {
  if (kind === 'app-topic') return null;
  return kind === 'thing-topic' ? 'thing' : 'user';
}

export function needsTopic(kind: TargetKind): boolean {
  return kind !== 'user';
}

/** `POST` path below `/apps/{appID}` (docs/kii-api.md §7.2, §7.3). */
export function messagesPath(target: PushTarget): string {
  return target.kind === 'user'
    ? `/users/${encodeURIComponent(target.user.id)}/push/messages`
    : `${topicPath(target.topic)}/push/messages`;
}

/** The target in the payload's terms. */
export function payloadTarget(target: PushTarget): PayloadTarget {
  if (target.kind === 'user') return { kind: 'user', userId: target.user.id };
  const { scope, name } = target.topic;
  return {
    kind: 'topic',
    topic: name,
    scope:
      scope.kind === 'app'
        ? { type: 'APP' }
        : { type: scope.kind === 'user' ? 'APP_AND_USER' : 'APP_AND_THING', id: scope.owner.id },
  };
}

// Kii's IDs are opaque; the local server's user IDs are UUIDs (36 characters) and its
// thing IDs `th.` + 25 characters, which is also the shape Kii's own examples show.
const TYPICAL_ID_LENGTH = { user: 36, thing: 28 } as const;

/**
 * The target for a size estimate before the owner is looked up: a typed ID as is, a login
 * name or vendor thing ID as an ID of typical length. Sending looks the owner up and checks
 * the exact size again.
 */
export function estimatedTarget(draft: TargetDraft): PayloadTarget {
  const kind = ownerKind(draft.kind);
  const id = kind
    ? draft.by === 'id' && draft.owner.trim()
      ? draft.owner.trim()
      : 'x'.repeat(TYPICAL_ID_LENGTH[kind])
    : '';
  switch (draft.kind) {
    case 'user':
      return { kind: 'user', userId: id };
    case 'app-topic':
      return { kind: 'topic', topic: draft.topic.trim(), scope: { type: 'APP' } };
    case 'user-topic':
      return { kind: 'topic', topic: draft.topic.trim(), scope: { type: 'APP_AND_USER', id } };
    case 'thing-topic':
      return { kind: 'topic', topic: draft.topic.trim(), scope: { type: 'APP_AND_THING', id } };
  }
}

/** "app topic news", "topic inbox of user alice", "user alice (direct push)". */
export function targetLabel(target: PushTarget): string {
  if (target.kind === 'user') {
    return $localize`:A direct push target; NAME is the user's login name@@kpc.compose.targetDirect:user ${target.user.name}:NAME: (direct push)`;
  }
  const { scope, name } = target.topic;
  switch (scope.kind) {
    case 'app':
      return $localize`:An app topic as push target; TOPIC is its name@@kpc.compose.targetAppTopic:app topic ${name}:TOPIC:`;
    case 'user':
      return $localize`:A user's topic as push target@@kpc.compose.targetUserTopic:topic ${name}:TOPIC: of user ${scope.owner.name}:NAME:`;
    case 'thing':
      return $localize`:A thing's topic as push target@@kpc.compose.targetThingTopic:topic ${name}:TOPIC: of thing ${scope.owner.name}:NAME:`;
  }
}

/** The operator-facing name of a target kind (the "Send to" choice). */
export function targetKindLabel(kind: TargetKind): string {
  switch (kind) {
    case 'app-topic':
      return $localize`:Send-to choice, an app-scope topic@@kpc.compose.kindAppTopic:App topic`;
    case 'user-topic':
      return $localize`:Send-to choice, a topic in a user's scope@@kpc.compose.kindUserTopic:A user's topic`;
    case 'thing-topic':
      return $localize`:Send-to choice, a topic in a thing's scope@@kpc.compose.kindThingTopic:A thing's topic`;
    case 'user':
      return $localize`:Send-to choice, one user, without a topic@@kpc.compose.kindUser:One user directly`;
  }
}
