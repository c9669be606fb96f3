/**
 * A topic a Topics monitor listens to. Shaped like the Topics page's `TopicRef`, so a topic
 * chosen there can be handed to `MonitorStore.startTopicMonitor$` as it is.
 */
export interface MonitoredTopic {
  readonly scope:
    | { readonly kind: 'app' }
    | {
        readonly kind: 'user' | 'thing';
        readonly owner: { readonly id: string; readonly name: string };
      };
  readonly name: string;
}

/** The topic's REST path below `/apps/{appID}` (docs/kii-api.md §6.1). */
export function monitoredTopicPath(topic: MonitoredTopic): string {
  const name = encodeURIComponent(topic.name);
  if (topic.scope.kind === 'app') return `/topics/${name}`;
  const collection = topic.scope.kind === 'user' ? 'users' : 'things';
  return `/${collection}/${encodeURIComponent(topic.scope.owner.id)}/topics/${name}`;
}

/** "announcements", "news (user alice)", "alerts (thing door-sensor-042)". */
export function monitoredTopicLabel(topic: MonitoredTopic): string {
  const scope = topic.scope;
  if (scope.kind === 'app') return topic.name;
  const owner = scope.owner.name;
  return scope.kind === 'user'
    ? $localize`:A user-scope topic; TOPIC is its name, OWNER the user's login name@@kpc.live.userTopic:${topic.name}:TOPIC: (user ${owner}:OWNER:)`
    : $localize`:A thing-scope topic; TOPIC is its name, OWNER the vendor thing ID@@kpc.live.thingTopic:${topic.name}:TOPIC: (thing ${owner}:OWNER:)`;
}

/** True when both name the same topic in the same scope. */
export function sameMonitoredTopic(a: MonitoredTopic, b: MonitoredTopic): boolean {
  return monitoredTopicPath(a) === monitoredTopicPath(b);
}
