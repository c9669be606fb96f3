import { startTestServer, type TestServer } from '../testing/test-server';

describe('installations', () => {
  let server: TestServer;
  let admin: string;

  beforeEach(async () => {
    server = await startTestServer();
    admin = await server.adminToken();
  });
  afterEach(() => server.close());

  async function registerUser(loginName: string) {
    const response = await server.api(`/apps/${server.config.appId}/users`, {
      body: { loginName, password: 'secret-pass' },
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { userID: string }).userID;
  }

  it('keeps one MQTT installation per owner: a repeat install returns the same IDs', async () => {
    const userID = await registerUser('alice');
    const path = `/apps/${server.config.appId}/installations`;
    const first = await server.api(path, {
      token: admin,
      body: { deviceType: 'MQTT', development: true, userID },
    });
    const second = await server.api(path, {
      token: admin,
      body: { deviceType: 'MQTT', development: true, userID },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
  });

  it('refuses an admin install that names no owner, naming the field', async () => {
    const response = await server.api(`/apps/${server.config.appId}/installations`, {
      token: admin,
      body: { deviceType: 'MQTT' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errorCode: string;
      invalidFields: Record<string, string>;
    };
    expect(body.errorCode).toBe('INVALID_INPUT_DATA');
    expect(Object.keys(body.invalidFields)).toEqual(['userID']);
  });

  it('answers an admin install for an owner that does not exist with 404 naming it, and writes nothing', async () => {
    const path = `/apps/${server.config.appId}/installations`;
    const cases = [
      [{ userID: 'no-such-user' }, 'USER_NOT_FOUND', 'userID', 'no-such-user'],
      [{ userID: 'LOGIN_NAME:nobody' }, 'USER_NOT_FOUND', 'userID', 'LOGIN_NAME:nobody'],
      [{ thingID: 'th.no-such-thing' }, 'THING_NOT_FOUND', 'thingID', 'th.no-such-thing'],
      [{ thingID: 'VENDOR_THING_ID:none' }, 'THING_NOT_FOUND', 'thingID', 'VENDOR_THING_ID:none'],
    ] as const;
    for (const [owner, errorCode, field, value] of cases) {
      const response = await server.api(path, {
        token: admin,
        body: { deviceType: 'MQTT', ...owner },
      });
      expect(response.status).withContext(value).toBe(404);
      expect(await response.json())
        .withContext(value)
        .toEqual(jasmine.objectContaining({ errorCode, field, value }));
    }
    expect(server.app.kii.installations.list({ limit: 10 }).total).toBe(0);
  });

  it('moves a push token that another owner installs, and answers with the new owner afterwards', async () => {
    const [alice, bob] = [await registerUser('alice'), await registerUser('bobby')];
    const path = `/apps/${server.config.appId}/installations`;
    const body = { deviceType: 'ANDROID', installationRegistrationID: 'fcm-token-1' };
    const first = await server.api(path, { token: admin, body: { ...body, userID: alice } });
    const { installationID } = (await first.json()) as { installationID: string };
    // Read once so that any cached copy of the row is Alice's.
    expect(
      (
        (await (await server.api(`${path}/${installationID}`, { token: admin })).json()) as {
          userID: string;
        }
      ).userID,
    ).toBe(alice);

    const second = await server.api(path, { token: admin, body: { ...body, userID: bob } });
    expect(second.status).toBe(200);
    const moved = (await (
      await server.api(`${path}/ANDROID:fcm-token-1`, { token: admin })
    ).json()) as { installationID: string; userID: string };
    expect(moved).toEqual(jasmine.objectContaining({ installationID, userID: bob }));
    const byId = (await (
      await server.api(`${path}/${installationID}`, { token: admin })
    ).json()) as { userID: string };
    expect(byId.userID).toBe(bob);
  });

  it('answers concurrent installs of one owner with one installation, and fails only the bad one of a batch', async () => {
    const userID = await registerUser('alice');
    const path = `/apps/${server.config.appId}/installations`;
    // Sent together, these reach the server in the same event-loop turn and share one commit.
    const responses = await Promise.all([
      ...Array.from({ length: 5 }, () =>
        server.api(path, { token: admin, body: { deviceType: 'MQTT', userID } }),
      ),
      server.api(path, { token: admin, body: { deviceType: 'MQTT', userID: 'no-such-user' } }),
    ]);
    const statuses = responses.map((response) => response.status);
    expect(statuses.slice(0, 5).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(statuses[5]).toBe(404);
    const ids = await Promise.all(
      responses
        .slice(0, 5)
        .map(
          async (response) =>
            ((await response.json()) as { installationID: string }).installationID,
        ),
    );
    expect(new Set(ids).size).toBe(1);
    const endpoint = await server.api(`${path}/${ids[0]}/mqtt-endpoint`, { token: admin });
    expect(endpoint.status).toBe(200);
  });
});
