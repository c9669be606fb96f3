import { EnvironmentProviders, InjectionToken, makeEnvironmentProviders } from '@angular/core';
import { IMqttServiceOptions, MqttService } from 'ngx-mqtt';

/**
 * The MQTT client the console uses (ngx-mqtt's `MqttService` over mqtt-browser), narrowed to
 * the calls that matter, so specs can provide a fake with one line.
 */
export type MqttClient = Pick<
  MqttService,
  | 'connect'
  | 'disconnect'
  | 'observe'
  | 'state'
  | 'messages'
  | 'onConnect'
  | 'onReconnect'
  | 'onClose'
  | 'onOffline'
  | 'onError'
  | 'onEnd'
  | 'onSuback'
>;

/** The console's MQTT client; it never connects by itself. */
export const MQTT_CLIENT = new InjectionToken<MqttClient>('MQTT_CLIENT');

/**
 * Makes MQTT connections: ngx-mqtt's `MqttService` holds one connection, and the live monitors
 * run several at once, so each monitor asks for its own client here.
 */
export interface MqttConnectionFactory {
  /** A new client that is not connected yet. */
  create(): Promise<MqttClient>;
}

/**
 * The console's MQTT connections. By default ngx-mqtt (with mqtt-browser, a large CommonJS
 * bundle) loads on the first `create()`, so it stays out of the initial bundle; specs provide
 * a fake with one line.
 */
export const MQTT_CONNECTION_FACTORY = new InjectionToken<MqttConnectionFactory>(
  'MQTT_CONNECTION_FACTORY',
  { providedIn: 'root', factory: () => lazyMqttConnections({}) },
);

function lazyMqttConnections(options: IMqttServiceOptions): MqttConnectionFactory {
  return {
    create: async () => {
      const { MqttService: Service } = await import('ngx-mqtt');
      return new Service({ ...options, connectOnCreate: false });
    },
  };
}

/**
 * Provides `MQTT_CLIENT` (and `MQTT_CONNECTION_FACTORY` with the same options) as an ngx-mqtt
 * `MqttService` with `connectOnCreate: false`: the broker
 * (host, ports, credentials) is only known after `mqtt-endpoint` answers, so whoever fetched
 * the endpoint calls `connect({...})`.
 */
export function provideMqtt(options: IMqttServiceOptions = {}): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: MQTT_CLIENT,
      useFactory: (): MqttClient => new MqttService({ ...options, connectOnCreate: false }),
    },
    { provide: MQTT_CONNECTION_FACTORY, useValue: lazyMqttConnections(options) },
  ]);
}
