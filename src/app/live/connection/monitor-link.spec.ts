import { makeKiiError } from '../../core/kii-error';
import { FakeEndpointSource, testEndpoint } from '../../../testing/fake-endpoints';
import { FakeLiveClock, settle } from '../../../testing/fake-live-clock';
import { FakeMqttFactory } from '../../../testing/fake-mqtt';
import { linkText } from './link-text';
import { LinkError, MonitorLink } from './monitor-link';

describe('MonitorLink', () => {
  let clock: FakeLiveClock;
  let mqtt: FakeMqttFactory;
  let source: FakeEndpointSource;
  let received: string[];
  let link: MonitorLink;

  function create(secure = false): void {
    link = new MonitorLink(
      {
        factory: mqtt,
        clock,
        text: linkText('en-US'),
        endpoint$: source.endpoint$,
        onMessage: (_topic, payload) => received.push(new TextDecoder().decode(payload)),
      },
      { keepAliveSeconds: 30, secure },
    );
  }

  /** Starts and lets the first client connect and subscribe. */
  async function startConnected(): Promise<void> {
    const ready = link.start();
    await settle();
    mqtt.latest.acceptAndGrant();
    await ready;
  }

  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await settle();
  }

  beforeEach(() => {
    clock = new FakeLiveClock();
    mqtt = new FakeMqttFactory();
    source = new FakeEndpointSource(clock);
    source.answers = [testEndpoint(1)];
    received = [];
    create();
  });

  it('connects over WebSocket with the endpoint as client ID and credentials, and subscribes', async () => {
    await startConnected();
    expect(mqtt.latest.options).toEqual(
      jasmine.objectContaining({
        url: 'ws://127.0.0.1:8080/mqtt',
        clientId: 'topic-1',
        username: 'user-1',
        password: 'pass-1',
        keepalive: 30,
        clean: true,
        reconnectPeriod: 0,
      }),
    );
    expect(mqtt.latest.observed.has('topic-1')).toBeTrue();
    expect(link.state()).toBe('connected');
    expect(link.clientId()).toBe('topic-1');
    expect(link.timeline().map((e) => e.event)).toEqual(['preparing', 'connecting', 'connected']);
    mqtt.latest.deliver('{"a":1}');
    expect(received).toEqual(['{"a":1}']);
  });

  it('uses WSS and portWSS when the console came over https', async () => {
    create(true);
    await startConnected();
    expect(mqtt.latest.options?.url).toBe('wss://127.0.0.1:8443/mqtt');
  });

  it('reconnects with backoff after the broker closes a healthy connection', async () => {
    await startConnected();
    await advance(60_000);
    mqtt.latest.close();
    expect(link.state()).toBe('reconnecting');
    // First retry: 1 s, half of it jittered (random 0.5 → 750 ms).
    expect(link.reconnectAt()).toBe(clock.now() + 750);
    expect(link.timeline().at(-2)?.detail).toBe('The broker closed the connection after 60 s');
    await advance(749);
    expect(mqtt.clients.length).toBe(1);
    await advance(1);
    expect(mqtt.clients.length).toBe(2);
    mqtt.latest.acceptAndGrant();
    expect(link.state()).toBe('connected');
    expect(source.fetches).toBe(1);
  });

  it('keeps retrying while the server is down and comes back without tripping the storm guard', async () => {
    await startConnected();
    await advance(20_000);
    mqtt.latest.close();
    for (let i = 0; i < 6; i++) {
      await advance(link.reconnectAt()! - clock.now());
      mqtt.latest.unreachable();
      expect(link.state()).toBe('reconnecting');
    }
    expect(link.timeline().at(-1)?.detail).toMatch(/^Reconnecting in \d+(\.\d)? s \(attempt 7\)$/);
    // The browser's WebSocket error event has no words: none are made up ("[object Event]").
    expect(link.timeline().at(-2)?.detail).toBe('The broker could not be reached');
    await advance(link.reconnectAt()! - clock.now());
    mqtt.latest.acceptAndGrant();
    expect(link.state()).toBe('connected');
    expect(link.error()).toBeNull();
  });

  it('says the broker closed unanswered credentials, not that it was unreachable, and fetches the endpoint again', async () => {
    source.answers = [testEndpoint(1), testEndpoint(2)];
    await startConnected();
    await advance(5000);
    // The installation is uninstalled: the broker drops the connection...
    mqtt.latest.close();
    await advance(link.reconnectAt()! - clock.now());
    // ...and closes the next one without a CONNACK (no refusal code, no WebSocket error).
    mqtt.latest.close();
    const entries = link.timeline().map((e) => e.detail);
    expect(entries.join('\n')).not.toContain('could not be reached');
    expect(entries.at(-2)).toBe(
      'The broker closed the connection without accepting it: these credentials are no longer valid (the installation may have been uninstalled). Fetching the endpoint again',
    );
    await advance(link.reconnectAt()! - clock.now());
    expect(source.fetches).toBe(2);
    expect(mqtt.latest.options?.['clientId']).toBe('topic-2');
  });

  it('says the installation is gone when the broker refused it and its endpoint is no longer found', async () => {
    source.answers = [
      testEndpoint(1),
      { error: makeKiiError('not-found', { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' }) },
    ];
    await startConnected();
    await advance(5000);
    mqtt.latest.close();
    await advance(link.reconnectAt()! - clock.now());
    mqtt.latest.refuse(4);
    expect(link.timeline().at(-2)?.detail).toContain(
      'return code 4: bad user name or password, the credentials expired or are no longer valid (for example, the installation was uninstalled)',
    );
    await advance(link.reconnectAt()! - clock.now());
    expect(link.state()).toBe('failed');
    expect(link.error()?.message).toBe(
      'The installation no longer exists: it was uninstalled, so the broker no longer accepts its credentials. Start a monitor for another installation.',
    );
    expect(link.error()?.cause?.errorCode).toBe('INSTALLATION_NOT_FOUND');
  });

  it('stops with the takeover explanation when another client keeps taking the client ID', async () => {
    await startConnected();
    await advance(30_000);
    mqtt.latest.close();
    for (let i = 0; i < 3; i++) {
      await advance(link.reconnectAt()! - clock.now());
      mqtt.latest.acceptAndGrant();
      await advance(800);
      mqtt.latest.close();
    }
    expect(link.state()).toBe('failed');
    expect(link.error()?.reason).toBe('storm');
    expect(link.error()?.message).toContain('same client ID (topic-1)');
    expect(link.error()?.message).toContain('The monitor stopped to end the loop');
    expect(clock.pending).toBe(0);
    const clients = mqtt.clients.length;
    await advance(120_000);
    expect(mqtt.clients.length).toBe(clients);
  });

  it('fetches the endpoint again when the broker refuses the credentials, and fails on a second refusal', async () => {
    source.answers = [testEndpoint(1), testEndpoint(2)];
    const ready = link.start();
    await settle();
    mqtt.latest.refuse(4);
    expect(link.timeline().at(-2)?.detail).toContain('return code 4');
    await advance(link.reconnectAt()! - clock.now());
    expect(source.fetches).toBe(2);
    expect(mqtt.latest.options?.['clientId']).toBe('topic-2');
    mqtt.latest.refuse(4);
    await expectAsync(ready).toBeRejectedWith(jasmine.objectContaining({ reason: 'refused' }));
    expect(link.state()).toBe('failed');
  });

  it('fails at once when the first endpoint cannot be fetched', async () => {
    source.answers = [
      { error: makeKiiError('not-found', { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' }) },
    ];
    await expectAsync(link.start()).toBeRejectedWith(
      jasmine.objectContaining<LinkError>({
        reason: 'endpoint',
        message: jasmine.stringContaining('installation was not found'),
      }),
    );
    expect(link.error()?.cause?.errorCode).toBe('INSTALLATION_NOT_FOUND');
    expect(mqtt.clients.length).toBe(0);
  });

  it('fails when the broker refuses the subscription', async () => {
    const ready = link.start();
    await settle();
    mqtt.latest.accept();
    mqtt.latest.refuseSubscription();
    await expectAsync(ready).toBeRejectedWith(jasmine.objectContaining({ reason: 'subscribe' }));
  });

  it('moves to fresh credentials before the TTL runs out: new connection first, then the old one closes', async () => {
    source.answers = [testEndpoint(1, 100), testEndpoint(2, 100)];
    await startConnected();
    const first = mqtt.latest;
    await advance(89_999);
    expect(source.fetches).toBe(1);
    await advance(1);
    expect(source.fetches).toBe(2);
    const second = mqtt.latest;
    expect(second).not.toBe(first);
    expect(second.options?.['clientId']).toBe('topic-2');
    first.deliver('old still flows');
    second.acceptAndGrant();
    expect(first.ended).toBeTrue();
    expect(link.state()).toBe('connected');
    expect(link.clientId()).toBe('topic-2');
    expect(link.timeline().at(-1)?.detail).toContain('Moved to the new endpoint');
    first.deliver('ignored after the switch');
    second.deliver('new');
    expect(received).toEqual(['old still flows', 'new']);
  });

  it('waits out a TTL whose credentials the server does not renew early, then reconnects at once', async () => {
    source.answers = [testEndpoint(1, 10), testEndpoint(1, 1), testEndpoint(2, 10)];
    await startConnected();
    await advance(9000);
    expect(source.fetches).toBe(2);
    expect(mqtt.clients.length).toBe(1);
    // The server closes the connection when the credentials expire.
    await advance(1000);
    mqtt.latest.close();
    await settle();
    expect(source.fetches).toBe(3);
    expect(mqtt.latest.options?.['clientId']).toBe('topic-2');
    mqtt.latest.acceptAndGrant();
    expect(link.state()).toBe('connected');
    expect(link.error()).toBeNull();
  });

  it('skips the backoff wait on request', async () => {
    await startConnected();
    await advance(20_000);
    mqtt.latest.close();
    link.reconnectNow();
    await settle();
    expect(mqtt.clients.length).toBe(2);
  });

  it('stops: closes the client, cancels every timer and records it', async () => {
    source.answers = [testEndpoint(1, 100)];
    await startConnected();
    link.stop();
    expect(mqtt.latest.ended).toBeTrue();
    expect(link.state()).toBe('stopped');
    expect(clock.pending).toBe(0);
    expect(link.timeline().at(-1)?.event).toBe('stopped');
  });

  it('restarts a stopped link', async () => {
    await startConnected();
    link.stop();
    link.reconnectNow();
    await settle();
    mqtt.latest.acceptAndGrant();
    expect(link.state()).toBe('connected');
    expect(mqtt.clients.length).toBe(2);
  });
});
