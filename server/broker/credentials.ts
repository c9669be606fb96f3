import type { EndpointRow, InstallationRepository } from '../repositories/installations';
import type { TapRepository, TapRow } from '../repositories/taps';

/**
 * What the broker checks a CONNECT against: an installation's MQTT endpoint credentials, or a
 * delivery tap's (a local-server extension). The same shape whether it comes from this node's
 * SQLite or, on a cluster's broker node, from the directory the API node keeps in Redis.
 */
export interface MqttCredential {
  kind: 'installation' | 'tap';
  password: string;
  /** The endpoint's mqttTopic: the only client ID these credentials connect with. */
  clientId: string;
  installationId: string | null;
  /** The thing whose online status this connection sets, if a thing owns the installation. */
  thingId: string | null;
  readyAt: number;
  expiresAt: number;
}

/** Synchronous when the store is local (SQLite), a promise when it is remote (Redis). */
export type CredentialLookup = (
  username: string,
) => MqttCredential | undefined | Promise<MqttCredential | undefined>;

export function endpointCredential(endpoint: EndpointRow, thingId: string | null): MqttCredential {
  return {
    kind: 'installation',
    password: endpoint.password,
    clientId: endpoint.mqtt_topic,
    installationId: endpoint.installation_id,
    thingId,
    readyAt: endpoint.ready_at,
    expiresAt: endpoint.expires_at,
  };
}

export function tapCredential(tap: TapRow): MqttCredential {
  return {
    kind: 'tap',
    password: tap.password,
    clientId: tap.mqtt_topic,
    installationId: null,
    thingId: null,
    readyAt: 0,
    expiresAt: tap.expires_at,
  };
}

/** The single-process (and API node) lookup: this server's own SQLite, cached reads. */
export function localCredentials(
  installations: InstallationRepository,
  taps: TapRepository,
): CredentialLookup {
  return (username) => {
    const endpoint = installations.endpointByUsername(username);
    if (endpoint) {
      const thingId = installations.find(endpoint.installation_id)?.thing_id ?? null;
      return endpointCredential(endpoint, thingId);
    }
    const tap = taps.findByUsername(username);
    return tap && tapCredential(tap);
  };
}
