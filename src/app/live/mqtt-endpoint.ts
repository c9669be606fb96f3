import type { IMqttServiceOptions } from 'ngx-mqtt';

import { KII_NO_EXPIRY_SECONDS } from '../core/expiry';
import { makeKiiError } from '../core/kii-error';

/** What `mqtt-endpoint` (or the local server's tap) answers: where and how to connect. */
export interface MqttEndpoint {
  readonly username: string;
  readonly password: string;
  /** The client ID and the one topic to subscribe to. */
  readonly mqttTopic: string;
  readonly host: string;
  readonly portWS: number;
  readonly portWSS: number;
  /** Seconds the credentials stay valid from when they were fetched. */
  readonly ttlSeconds: number;
  /** Epoch ms when they were fetched. */
  readonly fetchedAt: number;
}

/** Validates an endpoint answer (Kii's or the tap's, docs/kii-api.md §5.7). */
export function parseEndpoint(body: unknown, fetchedAt: number): MqttEndpoint {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof b[key] === 'string' ? (b[key] as string) : '');
  const port = (key: string) => (typeof b[key] === 'number' ? (b[key] as number) : 0);
  const endpoint: MqttEndpoint = {
    username: text('username'),
    password: text('password'),
    mqttTopic: text('mqttTopic'),
    host: text('host'),
    portWS: port('portWS'),
    portWSS: port('portWSS'),
    ttlSeconds:
      typeof b['X-MQTT-TTL'] === 'number' ? (b['X-MQTT-TTL'] as number) : KII_NO_EXPIRY_SECONDS,
    fetchedAt,
  };
  if (!endpoint.username || !endpoint.mqttTopic || !endpoint.host) {
    throw makeKiiError('server', {
      status: 200,
      detail: 'The MQTT endpoint answer is incomplete.',
    });
  }
  return endpoint;
}

/** Epoch ms when the endpoint's credentials stop working. */
export function endpointExpiresAt(endpoint: MqttEndpoint): number {
  return endpoint.fetchedAt + endpoint.ttlSeconds * 1000;
}

/** True when both carry the same credentials (a refresh before expiry returns the same ones). */
export function sameCredentials(a: MqttEndpoint, b: MqttEndpoint): boolean {
  return a.username === b.username && a.password === b.password && a.mqttTopic === b.mqttTopic;
}

/** `ws://host:portWS/mqtt`, or WSS with `portWSS` when the console itself came over https. */
export function brokerUrl(endpoint: MqttEndpoint, secure: boolean): string {
  const port = secure ? endpoint.portWSS : endpoint.portWS;
  return `${secure ? 'wss' : 'ws'}://${endpoint.host}:${port}/mqtt`;
}

/** The MQTT.js options ngx-mqtt passes on (mqtt-browser ships no types, so they are named here). */
export interface MqttConnectOptions extends IMqttServiceOptions {
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  /** Seconds. */
  readonly keepalive: number;
  readonly clean: boolean;
  readonly protocolVersion: 4;
  /** 0: MQTT.js does not reconnect by itself. */
  readonly reconnectPeriod: number;
  readonly connectTimeout: number;
}

/**
 * ngx-mqtt connect options for one endpoint (docs/kii-api.md §9.2): client ID = mqttTopic, clean
 * session, MQTT 3.1.1, and no reconnecting inside MQTT.js: the monitor backs off by itself and
 * watches for reconnect storms.
 */
export function connectOptions(
  endpoint: MqttEndpoint,
  secure: boolean,
  keepAliveSeconds: number,
): MqttConnectOptions {
  return {
    url: brokerUrl(endpoint, secure),
    clientId: endpoint.mqttTopic,
    username: endpoint.username,
    password: endpoint.password,
    keepalive: keepAliveSeconds,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  };
}
