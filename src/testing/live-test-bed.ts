import { EnvironmentProviders, Provider } from '@angular/core';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { LOCAL_INFO_PATH, LocalServerInfo } from '../app/core/local-server';
import { MQTT_CONNECTION_FACTORY } from '../app/core/mqtt';
import { FRAME_SCHEDULER, LIVE_CLOCK } from '../app/live/live-clock';
import { FakeFrames, FakeLiveClock } from './fake-live-clock';
import { FakeMqttFactory } from './fake-mqtt';
import { TestBrowser, provideTestBrowser } from './test-providers';

/** The fakes a live-traffic spec drives: time, animation frames and MQTT connections. */
export interface LiveFakes {
  readonly clock: FakeLiveClock;
  readonly frames: FakeFrames;
  readonly mqtt: FakeMqttFactory;
}

export function createLiveFakes(): LiveFakes {
  return { clock: new FakeLiveClock(), frames: new FakeFrames(), mqtt: new FakeMqttFactory() };
}

/** The browser fakes plus the live fakes, one provider each. */
export function provideLiveTesting(
  browser: TestBrowser,
  fakes: LiveFakes,
): (Provider | EnvironmentProviders)[] {
  return [
    ...provideTestBrowser(browser),
    { provide: LIVE_CLOCK, useValue: fakes.clock },
    { provide: FRAME_SCHEDULER, useValue: fakes.frames },
    { provide: MQTT_CONNECTION_FACTORY, useValue: fakes.mqtt },
  ];
}

/** The local server's discovery answer with the tap extension. */
export const LOCAL_INFO_WITH_TAP: LocalServerInfo = {
  server: 'kii-push-local',
  version: '0.1.0',
  extensions: ['installations', 'deliveries', 'tap'],
};

/** Answers the console's discovery request (sent once, when `LocalServer` is first used). */
export function answerDiscovery(
  browser: TestBrowser,
  info: LocalServerInfo | 'absent' = LOCAL_INFO_WITH_TAP,
): void {
  const request = TestBed.inject(HttpTestingController).expectOne(
    `${browser.location.origin}/api${LOCAL_INFO_PATH}`,
  );
  if (info === 'absent') request.flush('Not Found', { status: 404, statusText: 'Not Found' });
  else request.flush(info);
}

/** An MQTT endpoint answer as the local server sends it. */
export function endpointAnswer(
  mqttTopic: string,
  ttlSeconds = 2147483647,
): Record<string, unknown> {
  return {
    username: `user-${mqttTopic}`,
    password: `pass-${mqttTopic}`,
    mqttTopic,
    host: '127.0.0.1',
    portTCP: 1883,
    portSSL: 0,
    portWS: 8080,
    portWSS: 0,
    'X-MQTT-TTL': ttlSeconds,
  };
}
