import { MqttClient } from '../../core/mqtt';
import { testEndpoint } from '../../../testing/fake-endpoints';
import { FakeLiveClock, settle } from '../../../testing/fake-live-clock';
import { FakeMqttClient, FakeMqttFactory } from '../../../testing/fake-mqtt';
import { ConnectionEvents, MqttConnection } from './mqtt-connection';

describe('MqttConnection', () => {
  let clock: FakeLiveClock;
  let mqtt: FakeMqttFactory;
  let events: string[];
  let received: string[];
  let connection: MqttConnection;

  const endpoint = testEndpoint(1);

  const reporter: ConnectionEvents = {
    unavailable: (_c, error) => events.push(`unavailable ${String(error)}`),
    subscribed: () => events.push('subscribed'),
    subscriptionRefused: () => events.push('subscription refused'),
    closed: () => events.push('closed'),
    message: (topic, payload) => received.push(`${topic}: ${new TextDecoder().decode(payload)}`),
  };

  /** Opens and waits for the client to be made. */
  async function open(): Promise<FakeMqttClient> {
    connection.open(mqtt);
    await settle();
    return mqtt.latest;
  }

  beforeEach(() => {
    clock = new FakeLiveClock();
    mqtt = new FakeMqttFactory();
    events = [];
    received = [];
    connection = new MqttConnection(
      endpoint,
      { keepAliveSeconds: 30, secure: false },
      clock,
      reporter,
    );
  });

  it('connects with the endpoint, subscribes to its topic once accepted and passes messages on', async () => {
    const client = await open();
    expect(client.options).toEqual(
      jasmine.objectContaining({ clientId: 'topic-1', username: 'user-1', keepalive: 30 }),
    );
    expect(client.observed.size).toBe(0);
    clock.advance(250);
    client.accept();
    expect(connection.connectedAt).toBe(clock.now());
    expect(client.observed.has('topic-1')).toBeTrue();
    client.grant();
    client.deliver('{"n":1}');
    expect(events).toEqual(['subscribed']);
    expect(received).toEqual(['topic-1: {"n":1}']);
  });

  it('remembers a refused CONNECT: its return code and words, and reports the close once', async () => {
    const client = await open();
    client.refuse(5);
    client.close();
    expect(connection.refusedCode).toBe(5);
    expect(connection.lastError).toBe('Connection refused: code 5');
    expect(connection.connectedAt).toBeNull();
    expect(connection.closedUnanswered(clock.now())).toBeFalse();
    expect(events).toEqual(['closed']);
  });

  it('tells a close without any answer (the broker dropped the CONNECT) from an unreachable broker', async () => {
    const silent = await open();
    silent.close();
    expect(connection.closedUnanswered(clock.now())).toBeTrue();
    // Past the connect timeout, nothing answered at all: that is not the broker's refusal.
    expect(connection.closedUnanswered(clock.now() + 60_000)).toBeFalse();

    connection = new MqttConnection(
      endpoint,
      { keepAliveSeconds: 30, secure: false },
      clock,
      reporter,
    );
    const down = await open();
    down.unreachable();
    expect(connection.closedUnanswered(clock.now())).toBeFalse();
    expect(connection.lastError).toBe('');
  });

  it('reports a refused subscription', async () => {
    const client = await open();
    client.accept();
    client.refuseSubscription();
    expect(events).toEqual(['subscription refused']);
  });

  it('reports a client that could not be made', async () => {
    const failing = { create: () => Promise.reject(new Error('no ngx-mqtt')) };
    connection.open(failing);
    await settle();
    expect(events).toEqual(['unavailable Error: no ngx-mqtt']);
  });

  it('once retired, ends its client and reports nothing more', async () => {
    const client = await open();
    client.acceptAndGrant();
    connection.retire();
    expect(connection.retired).toBeTrue();
    expect(client.ended).toBeTrue();
    expect(client.observed.size).toBe(0);
    client.deliver('late');
    client.close();
    expect(events).toEqual(['subscribed']);
    expect(received).toEqual([]);
  });

  it('retired before its client exists, never connects', async () => {
    let make!: (client: MqttClient) => void;
    const client = new FakeMqttClient();
    connection.open({ create: () => new Promise<MqttClient>((resolve) => (make = resolve)) });
    connection.retire();
    make(client);
    await settle();
    expect(client.options).toBeNull();
    expect(events).toEqual([]);
  });
});
