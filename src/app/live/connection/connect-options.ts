import type { IMqttServiceOptions } from 'ngx-mqtt';

import { MqttEndpoint, brokerUrl } from '../../core/kii/mqtt-endpoint';

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
