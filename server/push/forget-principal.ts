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
    kii.topics.unsubscribeEverywhere({ type, id });
    kii.topics.removeScope({ type: type === 'user' ? 'APP_AND_USER' : 'APP_AND_THING', id });
    kii.tokens.revokeAll(type, id);
    if (type === 'user') kii.users.remove(id);
    else kii.things.remove(id);
  })();
  if (endpoint) kii.broker.disconnect(endpoint.mqtt_topic);
}
