import { HttpTestingController, TestRequest } from '@angular/common/http/testing';

import { settle } from './fake-live-clock';
import { FakeMqttFactory } from './fake-mqtt';

/**
 * The console server's answer to a monitor start (POST /team/api/apps/:appId/monitors/...,
 * docs/team-api.md, "Monitors"): an MQTT endpoint plus what `extra` adds (thingID, takeover).
 */
export function teamMonitorEndpoint(mqttTopic: string, extra: object = {}): object {
  return {
    host: '127.0.0.1',
    portWS: 8081,
    portWSS: 0,
    username: `user-${mqttTopic}`,
    password: 'p',
    mqttTopic,
    ttl: 600,
    expiresAt: Date.now() + 600_000,
    ...extra,
  };
}

/**
 * Answers every request to `url` with `body()` until an MQTT connection is opened (a monitor
 * start is one POST or more: subscribing the monitor thing, then its endpoint); returns them.
 * Throws when none came. The client connects on the next turns: `settle()` before granting.
 */
export async function answerUntilConnecting(
  http: HttpTestingController,
  mqtt: FakeMqttFactory,
  url: string,
  body: () => object,
): Promise<TestRequest[]> {
  const answered: TestRequest[] = [];
  for (let round = 0; round < 10 && mqtt.clients.length === 0; round++) {
    await settle();
    for (const request of http.match(url)) {
      request.flush(body());
      answered.push(request);
    }
  }
  if (!answered.length) throw new Error(`No request to ${url} came before a connection`);
  return answered;
}
