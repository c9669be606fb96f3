import type { KiiServices } from '../app';

/**
 * Deletes a user or thing with everything hanging off it: installations (and their MQTT
 * endpoints), subscriptions, the topics of its own scope and its tokens, in one transaction;
 * then closes its live MQTT connection, which no longer has credentials.
 */
export function forgetPrincipal(kii: KiiServices, type: 'user' | 'thing', id: string): void {
  const owner = type === 'user' ? { userID: id } : { thingID: id };
  const mqtt = kii.installations.list({ ...owner, deviceType: 'MQTT', limit: 1 }).rows[0];
  const endpoint = mqtt && kii.installations.endpoint(mqtt.id);
  kii.db.transaction(() => {
    kii.installations.removeOwnedBy(id);
    for (const subscriberId of [id, ...legacyAliases(kii, type, id)])
      kii.topics.unsubscribeEverywhere({ type, id: subscriberId });
    kii.topics.removeScope({ type: type === 'user' ? 'APP_AND_USER' : 'APP_AND_THING', id });
    kii.tokens.revokeAll(type, id);
    if (type === 'user') kii.users.remove(id);
    else kii.things.remove(id);
  })();
  if (endpoint) kii.broker.disconnect(endpoint.mqtt_topic);
}

/**
 * The alias forms (`LOGIN_NAME:`, `EMAIL:`, `PHONE:`, `VENDOR_THING_ID:`) under which earlier
 * versions stored subscriptions verbatim instead of the ID; deleting the principal drops those
 * rows too, so none outlives it in an old data directory (docs/kii-api.md §7.1).
 */
function legacyAliases(kii: KiiServices, type: 'user' | 'thing', id: string): string[] {
  if (type === 'thing') {
    const thing = kii.things.find(id);
    return thing ? [`VENDOR_THING_ID:${thing.vendor_thing_id}`] : [];
  }
  const user = kii.users.find(id);
  if (!user) return [];
  return [
    user.login_name && `LOGIN_NAME:${user.login_name}`,
    user.email && `EMAIL:${user.email}`,
    user.phone && `PHONE:${user.phone}`,
  ].filter((alias): alias is string => Boolean(alias));
}
