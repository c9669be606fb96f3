import { expectKiiError, expectOk, kiiRest, topicPath, type KiiRest } from '../testing/kii-rest';
import { mqttJsReceiver } from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

describe('deleting users and things', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
    await rest.createTopic(admin, topicPath.app(server, 'news'));
  });
  afterEach(() => server.close());

  it('removes a user with its installation, subscriptions and token, and closes its MQTT connection', async () => {
    const alice = await rest.registerUser('alice');
    const { installationID } = await rest.installMqtt(alice.token);
    const receiver = await mqttJsReceiver(await rest.endpoint(alice.token, installationID), 'tcp');
    await rest.subscribe(alice.token, topicPath.app(server, 'news'), { userID: alice.id });

    await expectOk(
      await server.api(`${rest.app}/users/me`, { method: 'DELETE', token: alice.token }),
      204,
    );

    await receiver.closed;
    await expectKiiError(
      await server.api(`${rest.app}/installations/${installationID}`, { token: admin }),
      404,
      'INSTALLATION_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(`${rest.app}/users/${alice.id}`, { token: admin }),
      404,
      'USER_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(`${rest.app}/users/me`, { token: alice.token }),
      403,
      'WRONG_TOKEN',
    );
    await expectKiiError(
      await server.api(`${topicPath.app(server, 'news')}/push/subscriptions/users/${alice.id}`, {
        token: admin,
      }),
      404,
      'USER_NOT_FOUND',
    );
    // The login name is free again.
    await rest.registerUser('alice');
  });

  it('lets the admin delete a thing by vendor thing ID, with its installation and token', async () => {
    const thing = await rest.registerThing('sensor-9');
    const { installationID } = await rest.installMqtt(thing.token);
    await expectOk(
      await server.api(`${rest.app}/things/VENDOR_THING_ID:sensor-9`, {
        method: 'DELETE',
        token: admin,
      }),
      204,
    );
    await expectKiiError(
      await server.api(`${rest.app}/installations/${installationID}`, { token: admin }),
      404,
      'INSTALLATION_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(`${rest.app}/things/${thing.id}`, { token: admin }),
      404,
      'THING_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(`${rest.app}/things/${thing.id}`, { token: thing.token }),
      403,
      'WRONG_TOKEN',
    );
    // The 404 names the form the caller used.
    const byVendor = await expectKiiError(
      await server.api(`${rest.app}/things/VENDOR_THING_ID:sensor-9`, { token: admin }),
      404,
      'THING_NOT_FOUND',
    );
    expect(byVendor).toEqual(
      jasmine.objectContaining({ field: 'vendorThingID', value: 'sensor-9' }),
    );
    const byId = await expectKiiError(
      await server.api(`${rest.app}/things/${thing.id}`, { token: admin }),
      404,
      'THING_NOT_FOUND',
    );
    expect(byId).toEqual(jasmine.objectContaining({ field: 'thingID', value: thing.id }));
  });

  it("refuses to delete another user's account and keeps it whole", async () => {
    const alice = await rest.registerUser('alice');
    const bob = await rest.registerUser('bob');
    const { installationID } = await rest.installMqtt(alice.token);
    await expectKiiError(
      await server.api(`${rest.app}/users/${alice.id}`, { method: 'DELETE', token: bob.token }),
      401,
      'UNAUTHORIZED',
    );
    await expectOk(
      await server.api(`${rest.app}/installations/${installationID}`, { token: alice.token }),
      200,
    );
    await expectOk(await server.api(`${rest.app}/users/me`, { token: alice.token }), 200);
  });
});
