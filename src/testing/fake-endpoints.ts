import { Observable, defer, isObservable, of, throwError } from 'rxjs';

import { MqttEndpoint } from '../app/core/kii/mqtt-endpoint';
import { LiveClock } from '../app/live/live-clock';

/** Seconds the local server gives credentials that never expire (2^31 - 1). */
export const NEVER_EXPIRING_TTL = 2147483647;

/** An MQTT endpoint numbered `n` (client ID `topic-n`, user `user-n`), as Kii answers one. */
export function testEndpoint(
  n: number,
  ttlSeconds = NEVER_EXPIRING_TTL,
  receivedAt = 0,
): MqttEndpoint {
  return {
    username: `user-${n}`,
    password: `pass-${n}`,
    mqttTopic: `topic-${n}`,
    host: '127.0.0.1',
    installationID: `inst-${n}`,
    portTCP: 0,
    portSSL: 0,
    portWS: 8080,
    portWSS: 8443,
    ttlSeconds,
    receivedAt,
  };
}

/** One answer to an endpoint fetch: an endpoint, a failure, or a stream the spec drives. */
export type EndpointAnswer = MqttEndpoint | { readonly error: unknown } | Observable<MqttEndpoint>;

/**
 * Endpoint fetches answered in turn from `answers` (the last answer repeats), each endpoint
 * stamped with the clock's time as it is fetched; `fetches` counts them.
 */
export class FakeEndpointSource {
  answers: EndpointAnswer[] = [];
  fetches = 0;

  constructor(private readonly clock: LiveClock) {}

  /** The fetch, as a monitor link or an endpoint lease takes it. */
  readonly endpoint$ = (): Observable<MqttEndpoint> =>
    defer(() => {
      this.fetches++;
      const next = this.answers.length > 1 ? this.answers.shift()! : this.answers[0];
      if (isObservable(next)) return next;
      return 'error' in next
        ? throwError(() => next.error)
        : of({ ...next, receivedAt: this.clock.now() });
    });
}
