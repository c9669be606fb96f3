import { eventually, expectOk, kiiRest, type KiiRest, type Principal } from '../testing/kii-rest';
import { connectMqttJs, mqttJsReceiver, rawConnect } from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';
import { traceApi } from '../testing/trace-api';
import { MAX_PACKET_BYTES } from './packet-guard';

/** Close reasons in an installation's connection history (docs/kii-api.md §13.2). */
describe('connection history', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  let alice: Principal;
  let trace: ReturnType<typeof traceApi>;

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
    alice = await rest.registerUser('alice');
    trace = traceApi(server, rest, admin);
  });
  afterEach(() => server.close());

  const reasons = async (installationID: string) =>
    (await trace.history(installationID)).connections.map((c) => c.closeReason);

  it('names keep-alive timeouts, refused publishes and refused packets', async () => {
    const endpoint = await rest.mqttEndpointFor(alice.token);
    // Silent past 1.5 x a 1 s keep-alive.
    const silent = await rawConnect(endpoint, 1);
    await silent.closed;
    // A client PUBLISH is refused and its connection closed.
    const publisher = await connectMqttJs(endpoint, 'tcp');
    const closed = new Promise<void>((resolve) => publisher.once('close', () => resolve()));
    publisher.publish(endpoint.mqttTopic, 'hello');
    await closed;
    // A packet declaring more than the broker accepts.
    const flooder = await rawConnect(endpoint, 0);
    flooder.socket.write(Buffer.from([0x30, 0xff, 0xff, 0x7f]));
    await flooder.closed;
    expect(await reasons(endpoint.installationID)).toEqual([
      'PACKET_REFUSED',
      'PUBLISH_REFUSED',
      'KEEPALIVE_TIMEOUT',
    ]);
    const [packet, , keepalive] = (await trace.history(endpoint.installationID)).connections;
    expect(packet.detail).toContain(`at most ${MAX_PACKET_BYTES}`);
    expect(keepalive).toEqual(
      jasmine.objectContaining({
        transport: 'tcp',
        clientAddress: '127.0.0.1',
        subscribedAt: null,
      }),
    );
  });

  it('names a connection lost without DISCONNECT and a packet the MQTT parser cannot read', async () => {
    const endpoint = await rest.mqttEndpointFor(alice.token);
    // The client's socket closes with no DISCONNECT packet (a phone losing its network).
    const vanished = await rawConnect(endpoint, 0);
    vanished.socket.destroy();
    await eventually(async () => (await reasons(endpoint.installationID)).length === 1);
    // Packet type 0 is reserved: mqtt-packet refuses it, and aedes closes the connection.
    const garbled = await rawConnect(endpoint, 0);
    garbled.socket.write(Buffer.from([0x00, 0x00]));
    await garbled.closed;
    await eventually(async () => (await reasons(endpoint.installationID)).length === 2);
    const [protocol, lost] = (await trace.history(endpoint.installationID)).connections;
    expect(lost).toEqual(
      jasmine.objectContaining({ closeReason: 'CONNECTION_LOST', transport: 'tcp' }),
    );
    expect(protocol.closeReason).toBe('PROTOCOL_ERROR');
    expect(protocol.detail).toBeTruthy();
  });

  it('keeps the history of an uninstalled installation, and lastSeenAt in the listing', async () => {
    const endpoint = await rest.mqttEndpointFor(alice.token);
    const receiver = await mqttJsReceiver(endpoint, 'ws');
    const listing = `/x-local/v1${rest.app}/installations`;
    type Listed = { installations: { connected: boolean; lastSeenAt: number | null }[] };
    const before = await expectOk<Listed>(await server.api(listing, { token: admin }));
    expect(before.installations[0].connected).toBe(true);
    expect(before.installations[0].lastSeenAt).toBeGreaterThan(Date.now() - 5000);
    const open = (await trace.history(endpoint.installationID)).connections[0];
    expect(open).toEqual(
      jasmine.objectContaining({ transport: 'ws', closedAt: null, closeReason: null }),
    );
    expect(open.subscribedAt).toBeGreaterThanOrEqual(open.connectedAt);

    await expectOk(
      await server.api(`${rest.app}/installations/${endpoint.installationID}`, {
        method: 'DELETE',
        token: alice.token,
      }),
      204,
    );
    await receiver.closed;
    const after = await trace.history(endpoint.installationID);
    expect(after.connected).toBe(false);
    expect(after.connections.map((c) => c.closeReason)).toEqual(['UNINSTALLED']);
    expect(after.lastSeenAt).toBe(after.connections[0].closedAt);
  });

  it('answers 404 for an installation it knows nothing of', async () => {
    const response = await server.api(`/x-local/v1${rest.app}/installations/nope/connections`, {
      token: admin,
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errorCode: string }).errorCode).toBe(
      'INSTALLATION_NOT_FOUND',
    );
  });
});
