import { InjectionToken } from '@angular/core';

import { KII_NO_EXPIRY_SECONDS } from '../expiry';
import { makeKiiError } from '../kii-error';

/**
 * The body of `mqtt-endpoint` as Kii (and the SDK's `getMqttEndpoint`) sends it, and of the
 * local server's tap (docs/kii-api.md §5.7). Read it only through `parseMqttEndpoint`.
 */
export interface MqttEndpointBody {
  readonly installationID?: string;
  readonly username: string;
  readonly password: string;
  readonly mqttTopic: string;
  readonly host: string;
  readonly portTCP?: number;
  readonly portSSL?: number;
  readonly portWS: number;
  readonly portWSS: number;
  readonly 'X-MQTT-TTL'?: number;
}

/** Where and how to connect to an installation's MQTT channel, as the console uses it. */
export interface MqttEndpoint {
  /** The installation; '' for the local server's tap, which has none. */
  readonly installationID: string;
  readonly username: string;
  readonly password: string;
  /** The client ID and the one topic to subscribe to (docs/kii-api.md §9.2). */
  readonly mqttTopic: string;
  readonly host: string;
  readonly portTCP: number;
  readonly portSSL: number;
  readonly portWS: number;
  readonly portWSS: number;
  /** `X-MQTT-TTL`: seconds the credentials stay valid from `receivedAt`. */
  readonly ttlSeconds: number;
  /** Epoch ms when the console received the answer. */
  readonly receivedAt: number;
}

/**
 * Validates an endpoint answer, whether it came through the SDK, REST or the tap. Fails with
 * a `server` KiiError when the fields a connection needs are missing.
 */
export function parseMqttEndpoint(body: unknown, receivedAt: number): MqttEndpoint {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof b[key] === 'string' ? (b[key] as string) : '');
  const port = (key: string) =>
    typeof b[key] === 'number' && Number.isFinite(b[key]) ? (b[key] as number) : 0;
  const ttl = Number(b['X-MQTT-TTL']);
  const endpoint: MqttEndpoint = {
    installationID: text('installationID'),
    username: text('username'),
    password: text('password'),
    mqttTopic: text('mqttTopic'),
    host: text('host'),
    portTCP: port('portTCP'),
    portSSL: port('portSSL'),
    portWS: port('portWS'),
    portWSS: port('portWSS'),
    // Without a usable TTL, Kii's "does not expire" is the honest reading.
    ttlSeconds: Number.isFinite(ttl) && ttl > 0 ? ttl : KII_NO_EXPIRY_SECONDS,
    receivedAt,
  };
  if (!endpoint.username || !endpoint.mqttTopic || !endpoint.host) {
    throw makeKiiError('server', {
      status: 200,
      detail: 'The MQTT endpoint answer is incomplete.',
    });
  }
  return endpoint;
}

/** Epoch ms when the endpoint's credentials stop working, capped to what a Date can hold. */
export function endpointExpiresAt(endpoint: MqttEndpoint): number {
  return Math.min(endpoint.receivedAt + endpoint.ttlSeconds * 1000, 8.64e15);
}

/** True when both carry the same credentials (a refresh before expiry returns the same ones). */
export function sameCredentials(a: MqttEndpoint, b: MqttEndpoint): boolean {
  return a.username === b.username && a.password === b.password && a.mqttTopic === b.mqttTopic;
}

/** `ws://host:portWS/mqtt`, or `wss://host:portWSS/mqtt` when `secure` (docs/kii-api.md §9.3). */
export function brokerUrl(endpoint: MqttEndpoint, secure: boolean): string {
  const port = secure ? endpoint.portWSS : endpoint.portWS;
  return `${secure ? 'wss' : 'ws'}://${endpoint.host}:${port}/mqtt`;
}

/** How the console waits for an endpoint that answers 503 (not provisioned yet). */
export interface EndpointRetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly delayMs: number;
}

/**
 * The one 503 policy for `mqtt-endpoint`: the JS SDK's own (3 attempts in all, 1 s apart,
 * docs/kii-api.md §5.7). The REST path uses it too, so the app admin, a user and a thing all
 * wait the same, whichever page asks.
 */
export const ENDPOINT_NOT_READY_RETRY: EndpointRetryPolicy = { attempts: 3, delayMs: 1000 };

/** `ENDPOINT_NOT_READY_RETRY` behind a token, so specs can shorten the wait. */
export const ENDPOINT_RETRY = new InjectionToken<EndpointRetryPolicy>('ENDPOINT_RETRY', {
  providedIn: 'root',
  factory: () => ENDPOINT_NOT_READY_RETRY,
});
