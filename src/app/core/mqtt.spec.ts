import { TestBed } from '@angular/core/testing';
import { MqttConnectionState, MqttService } from 'ngx-mqtt';
import { firstValueFrom } from 'rxjs';

import { MQTT_CLIENT, MQTT_CONNECTION_FACTORY, provideMqtt } from './mqtt';

describe('provideMqtt', () => {
  it('provides an ngx-mqtt MqttService that does not connect by itself', async () => {
    TestBed.configureTestingModule({
      providers: [provideMqtt({ hostname: '127.0.0.1', port: 1, path: '/mqtt' })],
    });
    const client = TestBed.inject(MQTT_CLIENT);
    expect(client).toBeInstanceOf(MqttService);
    expect(await firstValueFrom(client.state)).toBe(MqttConnectionState.CLOSED);
  });

  it('keeps connectOnCreate false even when asked otherwise', async () => {
    TestBed.configureTestingModule({
      providers: [provideMqtt({ connectOnCreate: true, hostname: '127.0.0.1', port: 1 })],
    });
    const client = TestBed.inject(MQTT_CLIENT);
    expect(await firstValueFrom(client.state)).toBe(MqttConnectionState.CLOSED);
  });

  it('provides a connection factory that makes a new, unconnected client per call', async () => {
    TestBed.configureTestingModule({
      providers: [provideMqtt({ hostname: '127.0.0.1', port: 1 })],
    });
    const factory = TestBed.inject(MQTT_CONNECTION_FACTORY);
    const [first, second] = [await factory.create(), await factory.create()];
    expect(first).toBeInstanceOf(MqttService);
    expect(second).not.toBe(first);
    expect(await firstValueFrom(first.state)).toBe(MqttConnectionState.CLOSED);
  });

  it('has a root default that loads ngx-mqtt on first use', async () => {
    const client = await TestBed.inject(MQTT_CONNECTION_FACTORY).create();
    expect(client).toBeInstanceOf(MqttService);
    expect(await firstValueFrom(client.state)).toBe(MqttConnectionState.CLOSED);
  });
});
