import { loadKiiSdk } from '../testing/kii-sdk';
import {
  expectKiiError,
  expectOk,
  kiiRest,
  type KiiRest,
  type Principal,
} from '../testing/kii-rest';
import { mqttJsReceiver, type PushReceiver } from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

/**
 * Every refusal answers with Kii's envelope and status (docs/kii-api.md §2, §11) and leaves the
 * stored data as it was.
 */
describe('REST refusals', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  let alice: Principal;
  const receivers: PushReceiver[] = [];

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
    alice = await rest.registerUser('alice');
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await server.close();
  });

  /** What the app holds, as the admin sees it through the API. */
  async function installationTotal(): Promise<number> {
    const body = await expectOk<{ total: number }>(
      await server.api(`/x-local/v1${rest.app}/installations`, { token: admin }),
    );
    return body.total;
  }
  async function userExists(loginName: string): Promise<boolean> {
    const response = await server.api(`${rest.app}/users/LOGIN_NAME:${loginName}`, {
      token: admin,
    });
    if (response.status === 404) return false;
    await expectOk(response, 200);
    return true;
  }
  async function deliveryCount(): Promise<number> {
    const body = await expectOk<{ deliveries: unknown[] }>(
      await server.api(`/x-local/v1${rest.app}/deliveries`, { token: admin }),
    );
    return body.deliveries.length;
  }

  it('refuses a wrong password with 400 invalid_grant, and the right one still logs in', async () => {
    const response = await server.api('/oauth2/token', {
      body: { username: 'alice', password: 'wrong-pass' },
    });
    const body = await expectKiiError(response, 400, 'invalid_grant');
    expect(body.error).toBe('invalid_grant');
    expect(typeof body.error_description).toBe('string');

    const sdk = loadKiiSdk(server);
    const error = await sdk.KiiUser.authenticate('alice', 'wrong-pass').then(
      () => null,
      (e: Error) => e,
    );
    expect(sdk.KiiErrorParser.parse(error)).toEqual(
      jasmine.objectContaining({ status: 400, code: 'invalid_grant' }),
    );
    expect((await rest.login('alice')).id).toBe(alice.id);
  });

  it('refuses a wrong app key with 401 and creates nothing', async () => {
    const response = await server.api(`${rest.app}/users`, {
      body: { loginName: 'bob', password: 'secret-pass' },
      headers: { 'x-kii-appkey': 'not-the-key' },
    });
    await expectKiiError(response, 401, 'UNAUTHORIZED');
    expect(await userExists('bob')).toBe(false);
  });

  it('answers 404 APP_NOT_FOUND for an unknown app, in the path or in x-kii-appid, and creates nothing', async () => {
    await expectKiiError(
      await server.api('/apps/no-such-app/users', {
        body: { loginName: 'bob', password: 'secret-pass' },
      }),
      404,
      'APP_NOT_FOUND',
    );
    await expectKiiError(
      await server.api('/oauth2/token', {
        body: { username: 'alice', password: 'secret-pass' },
        headers: { 'x-kii-appid': 'no-such-app' },
      }),
      404,
      'APP_NOT_FOUND',
    );
    expect(await userExists('bob')).toBe(false);
  });

  it('answers 403 WRONG_TOKEN for an unknown token and for an expired one, and installs nothing', async () => {
    const unknown = await expectKiiError(
      await server.api(`${rest.app}/installations`, {
        token: 'no-such-token',
        body: { deviceType: 'MQTT' },
      }),
      403,
      'WRONG_TOKEN',
    );
    expect(unknown.appID).toBe(server.config.appId);
    expect(unknown.accessToken).toBe('no-such-token');

    const login = await expectOk<{ access_token: string; expires_in: number }>(
      await server.api('/oauth2/token', {
        body: { username: 'alice', password: 'secret-pass', expiresAt: Date.now() - 1000 },
      }),
    );
    expect(login.expires_in).toBe(0);
    await expectKiiError(
      await server.api(`${rest.app}/installations`, {
        token: login.access_token,
        body: { deviceType: 'MQTT' },
      }),
      403,
      'WRONG_TOKEN',
    );
    expect(await installationTotal()).toBe(0);
  });

  it("refuses a user reading, deleting or fetching the endpoint of another user's installation (401), which stays intact", async () => {
    const mallory = await rest.registerUser('mallory');
    const { installationID, installationRegistrationID } = await rest.installMqtt(alice.token);
    const endpoint = await rest.endpoint(alice.token, installationID);
    const byId = `${rest.app}/installations/${installationID}`;
    const byRegistration = `${rest.app}/installations/MQTT:${installationRegistrationID}`;

    for (const [method, path] of [
      ['GET', byId],
      ['DELETE', byId],
      ['GET', byRegistration],
      ['DELETE', byRegistration],
      ['GET', `${byId}/mqtt-endpoint`],
    ]) {
      const body = await expectKiiError(
        await server.api(path, { method, token: mallory.token }),
        401,
        'UNAUTHORIZED',
      );
      expect(body.authenticatedPrincipalID).toBe(mallory.id);
    }
    const kept = await expectOk<{ userID: string }>(await server.api(byId, { token: alice.token }));
    expect(kept.userID).toBe(alice.id);
    expect(await rest.endpoint(alice.token, installationID)).toEqual(
      jasmine.objectContaining({ username: endpoint.username }),
    );
    // Nor can a user install on someone else's behalf.
    await expectKiiError(
      await server.api(`${rest.app}/installations`, {
        token: mallory.token,
        body: { deviceType: 'MQTT', userID: alice.id },
      }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(await installationTotal()).toBe(1);
  });

  it('answers 404 MQTT_ENDPOINT_NOT_FOUND for a non-MQTT installation, and 401 to a user pushing to another user', async () => {
    const android = await expectOk<{ installationID: string }>(
      await server.api(`${rest.app}/installations`, {
        token: alice.token,
        body: { deviceType: 'ANDROID', installationRegistrationID: 'fcm-1' },
      }),
      201,
    );
    await expectKiiError(
      await server.api(`${rest.app}/installations/${android.installationID}/mqtt-endpoint`, {
        token: alice.token,
      }),
      404,
      'MQTT_ENDPOINT_NOT_FOUND',
    );
    const bob = await rest.registerUser('bob');
    const receiver = await mqttJsReceiver(await rest.mqttEndpointFor(alice.token), 'ws');
    receivers.push(receiver);
    await expectKiiError(
      await server.api(`${rest.app}/users/${alice.id}/push/messages`, {
        token: bob.token,
        body: { data: { spoof: 'yes' } },
      }),
      401,
      'UNAUTHORIZED',
    );
    expect(await deliveryCount()).toBe(0);
    await rest.send(alice.token, `${rest.app}/users/me`, { data: { own: 'yes' } });
    expect(await receiver.next()).toEqual(jasmine.objectContaining({ own: 'yes' }));
    expect(receiver.received.length).toBe(1);
  });

  it('answers 400 INVALID_JSON to malformed JSON and stores nothing', async () => {
    await expectKiiError(
      await server.api(`${rest.app}/installations`, {
        token: alice.token,
        body: '{"deviceType": "MQTT",',
      }),
      400,
      'INVALID_JSON',
    );
    await expectKiiError(
      await server.api(`${rest.app}/users`, { body: '{loginName: bob}' }),
      400,
      'INVALID_JSON',
    );
    expect(await installationTotal()).toBe(0);
    expect(await userExists('bob')).toBe(false);
  });

  it('answers 400 INVALID_INPUT_DATA naming an unknown body field, and stores nothing', async () => {
    const install = await expectKiiError(
      await server.api(`${rest.app}/installations`, {
        token: alice.token,
        body: { deviceType: 'MQTT', colour: 'red' },
      }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(Object.keys(install.invalidFields ?? {})).toEqual(['colour']);
    expect(install.message).toContain('colour');

    await rest.createTopic(admin, `${rest.app}/topics/news`);
    const push = await expectKiiError(
      await server.api(`${rest.app}/topics/news/push/messages`, {
        token: admin,
        body: { data: { a: 'b' }, sendToEveryone: true },
      }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(Object.keys(push.invalidFields ?? {})).toEqual(['sendToEveryone']);

    const typed = await expectKiiError(
      await server.api(`${rest.app}/installations`, {
        token: alice.token,
        body: { deviceType: 'MQTT', development: 'yes' },
      }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(Object.keys(typed.invalidFields ?? {})).toEqual(['development']);
    expect(await installationTotal()).toBe(0);
    expect(await deliveryCount()).toBe(0);
  });

  it('refuses a push whose MQTT payload exceeds 4096 bytes, or whose data is nested, naming data; nothing is delivered', async () => {
    const receiver = await mqttJsReceiver(await rest.mqttEndpointFor(alice.token), 'tcp');
    receivers.push(receiver);
    const direct = `${rest.app}/users/${alice.id}/push/messages`;

    const oversized = await expectKiiError(
      await server.api(direct, { token: admin, body: { data: { text: 'x'.repeat(4096) } } }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(Object.keys(oversized.invalidFields ?? {})).toEqual(['data']);

    const nested = await expectKiiError(
      await server.api(direct, { token: admin, body: { data: { inner: { deep: 1 } } } }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(Object.keys(nested.invalidFields ?? {})).toEqual(['data.inner']);
    const nestedMqtt = await expectKiiError(
      await server.api(direct, {
        token: admin,
        body: { data: {}, mqtt: { enabled: true, data: { list: [1, 2] } } },
      }),
      400,
      'INVALID_INPUT_DATA',
    );
    expect(Object.keys(nestedMqtt.invalidFields ?? {})).toEqual(['mqtt.data.list']);

    expect(await deliveryCount()).toBe(0);
    // Just under the limit goes through, and is the first push the receiver sees.
    await rest.send(admin, `${rest.app}/users/${alice.id}`, { data: { text: 'x'.repeat(3800) } });
    expect(((await receiver.next()).text as string).length).toBe(3800);
    expect(receiver.received.length).toBe(1);
  });

  it('answers 413 to a body over the body limit and stores nothing', async () => {
    const response = await server.api(`${rest.app}/users`, {
      body: { loginName: 'bob', password: 'secret-pass', bio: 'x'.repeat(server.config.bodyLimit) },
    });
    await expectKiiError(response, 413, 'REQUEST_ENTITY_TOO_LARGE');
    expect(await userExists('bob')).toBe(false);
  });

  it("answers unknown paths with Kii's envelope", async () => {
    await expectKiiError(
      await server.api(`${rest.app}/no-such-resource`, { token: admin }),
      404,
      'NOT_FOUND',
    );
  });

  it("escapes % in error bodies so the SDK's decodeURIComponent gives back the original text", async () => {
    const response = await server.api(`${rest.app}/users/LOGIN_NAME:50%25off`, { token: admin });
    expect(response.status).toBe(404);
    const decoded = JSON.parse(decodeURIComponent(await response.text())) as {
      errorCode: string;
      value: string;
    };
    expect(decoded.errorCode).toBe('USER_NOT_FOUND');
    expect(decoded.value).toContain('50%off');
  });

  it('never puts errorCode in a successful answer', async () => {
    const thing = await rest.registerThing('sensor-1');
    const { installationID } = await rest.installMqtt(alice.token);
    await rest.createTopic(admin, `${rest.app}/topics/news`);
    const calls: [string, string, unknown?][] = [
      ['GET', `${rest.app}/users/me`],
      ['GET', `${rest.app}/users/${alice.id}`],
      ['GET', `${rest.app}/installations/${installationID}`],
      ['GET', `${rest.app}/installations/${installationID}/mqtt-endpoint`],
      ['POST', `${rest.app}/installations`, { deviceType: 'MQTT', development: false }],
      ['GET', `${rest.app}/topics`],
      ['PUT', `${rest.app}/topics/news/push/subscriptions/users/${alice.id}`],
      ['GET', `${rest.app}/topics/news/push/subscriptions/users/${alice.id}`],
      ['POST', `${rest.app}/users/me/push/messages`, { data: { hello: 'me' } }],
    ];
    for (const [method, path, body] of calls) {
      const response = await server.api(path, { method, token: alice.token, body });
      const text = await response.text();
      expect(`${method} ${path} ${response.status}`).toMatch(/ 2\d\d$/);
      expect(text).not.toContain('errorCode');
    }
    const thingResponse = await server.api(`${rest.app}/things/${thing.id}`, {
      token: thing.token,
    });
    expect(thingResponse.status).toBe(200);
    expect(await thingResponse.text()).not.toContain('errorCode');
  });

  it("tolerates the SDK's ?disable_cache= and doubled slashes", async () => {
    const cacheBuster = `disable_cache=${Date.now()}`;
    await rest.createTopic(admin, `${rest.app}/topics/news`);
    const subscription = `/apps/${server.config.appId}//topics/news/push/subscriptions/users/${alice.id}`;
    expect(
      (await server.api(`${subscription}?${cacheBuster}`, { method: 'PUT', token: alice.token }))
        .status,
    ).toBe(204);
    expect(
      (await server.api(`${subscription}?${cacheBuster}`, { token: alice.token })).status,
    ).toBe(204);
    expect(
      (
        await server.api(`${rest.app}/topics/news?${cacheBuster}`, {
          method: 'HEAD',
          token: alice.token,
        })
      ).status,
    ).toBe(204);
    const list = await expectOk<{ topics: unknown[] }>(
      await server.api(`${rest.app}/topics?${cacheBuster}`, { token: alice.token }),
    );
    expect(list.topics).toEqual([{ topicID: 'news' }]);
    const install = await server.api(`${rest.app}/installations?${cacheBuster}`, {
      token: alice.token,
      body: { deviceType: 'MQTT' },
    });
    expect(install.status).toBe(201);
    const listing = await server.api(`/x-local/v1${rest.app}/installations?${cacheBuster}`, {
      token: admin,
    });
    expect((await expectOk<{ total: number }>(listing)).total).toBe(1);
  });

  it('answers a CORS pre-flight with 204 and the allow headers, and marks every answer for any origin', async () => {
    const preflight = await fetch(`${server.baseUrl}${rest.app}/installations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://console.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'x-kii-appid, x-kii-appkey, x-kii-sdk, authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of [
      'x-kii-appid',
      'x-kii-appkey',
      'x-kii-sdk',
      'authorization',
      'content-type',
    ])
      expect(allowed).toContain(header);

    const { installationID } = await rest.installMqtt(alice.token);
    const endpoint = await server.api(`${rest.app}/installations/${installationID}/mqtt-endpoint`, {
      token: alice.token,
      headers: { origin: 'http://console.example' },
    });
    expect(endpoint.headers.get('access-control-allow-origin')).toBe('*');
    expect((endpoint.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain(
      'x-mqtt-ttl',
    );
    expect(endpoint.headers.get('content-type')).toMatch(
      /^application\/vnd\.kii\.MQTTEndpointResponse\+json/,
    );
    expect(Number(endpoint.headers.get('x-mqtt-ttl'))).toBeGreaterThan(0);
  });
});
