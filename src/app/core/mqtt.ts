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
>;

/** The console's MQTT client; it never connects by itself. */
export const MQTT_CLIENT = new InjectionToken<MqttClient>('MQTT_CLIENT');

/**
 * Provides `MQTT_CLIENT` as an ngx-mqtt `MqttService` with `connectOnCreate: false`: the broker
 * (host, ports, credentials) is only known after `mqtt-endpoint` answers, so whoever fetched
 * the endpoint calls `connect({...})`.
 */
export function provideMqtt(options: IMqttServiceOptions = {}): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: MQTT_CLIENT,
      useFactory: (): MqttClient => new MqttService({ ...options, connectOnCreate: false }),
    },
  ]);
}
