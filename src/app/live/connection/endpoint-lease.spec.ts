import { Subject } from 'rxjs';

import { KiiError, makeKiiError } from '../../core/kii-error';
import { MqttEndpoint } from '../../core/kii/mqtt-endpoint';
import { FakeEndpointSource, testEndpoint } from '../../../testing/fake-endpoints';
import { FakeLiveClock, settle } from '../../../testing/fake-live-clock';
import { EndpointLease, LeaseHolder, REFRESH_RETRY_MS } from './endpoint-lease';

describe('EndpointLease', () => {
  let clock: FakeLiveClock;
  let source: FakeEndpointSource;
  let connected: boolean;
  let events: string[];
  let lease: EndpointLease;

  const holder: LeaseHolder = {
    canHandOver: () => connected,
    renewing: () => events.push('renewing'),
    renewed: (fresh) => events.push(`renewed ${fresh.mqttTopic}`),
    renewalFailed: (error) => events.push(`failed ${error.kind}`),
  };

  /** Acquires and returns what came back. */
  function acquire(): { endpoint?: MqttEndpoint; error?: KiiError } {
    const got: { endpoint?: MqttEndpoint; error?: KiiError } = {};
    lease.acquire(
      (e) => (got.endpoint = e),
      (e) => (got.error = e),
    );
    return got;
  }

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await settle();
  }

  beforeEach(() => {
    clock = new FakeLiveClock();
    source = new FakeEndpointSource(clock);
    source.answers = [testEndpoint(1)];
    connected = true;
    events = [];
    lease = new EndpointLease(source.endpoint$, clock, holder);
  });

  it('fetches an endpoint and holds it; a never-expiring one is never renewed', async () => {
    expect(lease.needsFetch).toBeTrue();
    const got = acquire();
    expect(got.endpoint?.mqttTopic).toBe('topic-1');
    expect(lease.current?.mqttTopic).toBe('topic-1');
    expect(lease.needsFetch).toBeFalse();
    expect(lease.expired(clock.now() + 365 * 86_400_000)).toBeFalse();
    expect(clock.pending).toBe(0);
    await advance(86_400_000);
    expect(source.fetches).toBe(1);
  });

  it('hands a failed fetch over as one typed error', () => {
    source.answers = [
      { error: makeKiiError('not-found', { status: 404, errorCode: 'NOT_FOUND' }) },
    ];
    const got = acquire();
    expect(got.endpoint).toBeUndefined();
    expect(got.error?.kind).toBe('not-found');
    expect(got.error?.errorCode).toBe('NOT_FOUND');
    expect(lease.needsFetch).toBeTrue();
  });

  it('renews 10 % before the TTL runs out and hands the fresh endpoint to its holder', async () => {
    source.answers = [testEndpoint(1, 100), testEndpoint(2, 100)];
    acquire();
    await advance(89_999);
    expect(events).toEqual([]);
    await advance(1);
    expect(source.fetches).toBe(2);
    expect(events).toEqual(['renewing', 'renewed topic-2']);
    // The endpoint in use changes only when the handover completes.
    expect(lease.current?.mqttTopic).toBe('topic-1');
    lease.handedOver(testEndpoint(2, 100, clock.now()));
    expect(lease.current?.mqttTopic).toBe('topic-2');
    // The fresh endpoint's own TTL schedules the next renewal.
    await advance(90_000);
    expect(source.fetches).toBe(3);
  });

  it('asks again just past the expiry when the server answers with the same credentials', async () => {
    source.answers = [testEndpoint(1, 10), testEndpoint(1, 1), testEndpoint(2, 10)];
    acquire();
    await advance(9000);
    expect(source.fetches).toBe(2);
    expect(events).toEqual(['renewing']);
    expect(lease.expired(clock.now())).toBeTrue(); // within a second of the end
    // The old credentials end 1 s later; the next ask comes 500 ms after that.
    await advance(1499);
    expect(source.fetches).toBe(2);
    await advance(1);
    expect(source.fetches).toBe(3);
    expect(events).toEqual(['renewing', 'renewing', 'renewed topic-2']);
  });

  it('tries a failed renewal again after a while, the old endpoint still in use', async () => {
    source.answers = [
      testEndpoint(1, 100),
      { error: makeKiiError('network') },
      testEndpoint(2, 100),
    ];
    acquire();
    await advance(90_000);
    expect(events).toEqual(['renewing', 'failed network']);
    expect(lease.current?.mqttTopic).toBe('topic-1');
    await advance(REFRESH_RETRY_MS);
    expect(events.at(-1)).toBe('renewed topic-2');
  });

  it('tries again after a while when the handover connection fails', async () => {
    source.answers = [testEndpoint(1, 100), testEndpoint(2, 100), testEndpoint(3, 100)];
    acquire();
    await advance(90_000);
    lease.handoverFailed();
    await advance(REFRESH_RETRY_MS);
    expect(events).toEqual(['renewing', 'renewed topic-2', 'renewing', 'renewed topic-3']);
  });

  it('leaves renewal to the next connection when the holder is not connected', async () => {
    source.answers = [testEndpoint(1, 100), testEndpoint(2, 100)];
    acquire();
    connected = false;
    await advance(90_000);
    expect(source.fetches).toBe(1);
    expect(events).toEqual([]);
    expect(lease.needsFetch).toBeTrue();
    acquire();
    expect(lease.current?.mqttTopic).toBe('topic-2');
  });

  it('is marked stale by what the broker said', () => {
    acquire();
    lease.markStale();
    expect(lease.needsFetch).toBeTrue();
    expect(lease.current?.mqttTopic).toBe('topic-1');
  });

  it('releases: no renewal timer and no fetch left running', async () => {
    const slow = new Subject<MqttEndpoint>();
    source.answers = [testEndpoint(1, 100), slow];
    acquire();
    await advance(90_000);
    expect(slow.observed).toBeTrue();
    lease.release();
    expect(slow.observed).toBeFalse();
    expect(clock.pending).toBe(0);
    acquire();
    lease.release();
    expect(clock.pending).toBe(0);
  });
});
