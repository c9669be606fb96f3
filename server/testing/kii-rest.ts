import type { MqttEndpoint } from './mqtt-clients';
import type { TestServer } from './test-server';

/** Kii's error envelope as a client reads it. */
export interface KiiErrorBody {
  errorCode: string;
  message: string;
  invalidFields?: Record<string, string>;
  [extra: string]: unknown;
}

/**
 * Asserts a Kii error answer: the status, the errorCode, a message, and the
 * `application/vnd.kii.*Exception+json` media type. Returns the body for further checks.
 */
export async function expectKiiError(
  response: Response,
  status: number,
  errorCode: string,
): Promise<KiiErrorBody> {
  const text = await response.text();
  expect(`${response.status} ${text}`).toMatch(new RegExp(`^${status} `));
  const body = JSON.parse(text) as KiiErrorBody;
  expect(body.errorCode).toBe(errorCode);
  expect(typeof body.message).toBe('string');
  expect(response.headers.get('content-type')).toMatch(
    /^application\/vnd\.kii\.\w+Exception\+json/,
  );
  return body;
}

/** Asserts a 2xx answer and returns its JSON body (or null for an empty body). */
export async function expectOk<T = Record<string, unknown>>(
  response: Response,
  status?: number,
): Promise<T> {
  const text = await response.text();
  const ok =
    status === undefined
      ? response.status >= 200 && response.status < 300
      : response.status === status;
  if (!ok)
    throw new Error(`expected ${status ?? '2xx'}, got ${response.status} ${response.url}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface Principal {
  id: string;
  token: string;
}

/** Paths of a topic in each scope (docs/kii-api.md §6.1). */
export const topicPath = {
  app: (server: TestServer, topic: string) => `/apps/${server.config.appId}/topics/${topic}`,
  user: (server: TestServer, userID: string, topic: string) =>
    `/apps/${server.config.appId}/users/${userID}/topics/${topic}`,
  thing: (server: TestServer, thingID: string, topic: string) =>
    `/apps/${server.config.appId}/things/${thingID}/topics/${topic}`,
};

/** The REST calls specs set up their world with, each checked for success. */
export function kiiRest(server: TestServer) {
  const app = `/apps/${server.config.appId}`;
  return {
    app,
    async registerUser(loginName: string, password = 'secret-pass'): Promise<Principal> {
      await expectOk(await server.api(`${app}/users`, { body: { loginName, password } }), 201);
      return this.login(loginName, password);
    },
    async login(username: string, password = 'secret-pass'): Promise<Principal> {
      const body = await expectOk<{ id: string; access_token: string }>(
        await server.api('/oauth2/token', { body: { username, password } }),
      );
      return { id: body.id, token: body.access_token };
    },
    async registerThing(vendorThingID: string, password = 'thing-pass'): Promise<Principal> {
      const body = await expectOk<{ _thingID: string; _accessToken: string }>(
        await server.api(`${app}/things`, {
          body: { _vendorThingID: vendorThingID, _password: password },
          headers: {
            'content-type': 'application/vnd.kii.ThingRegistrationAndAuthorizationRequest+json',
          },
        }),
        201,
      );
      return { id: body._thingID, token: body._accessToken };
    },
    /** An MQTT installation with the owner's own token, or the admin's naming the owner. */
    async installMqtt(
      token: string,
      development = false,
      owner: { userID?: string; thingID?: string } = {},
    ) {
      return expectOk<{ installationID: string; installationRegistrationID: string }>(
        await server.api(`${app}/installations`, {
          token,
          body: { deviceType: 'MQTT', development, ...owner },
        }),
      );
    },
    async endpoint(token: string, installationID: string): Promise<MqttEndpoint> {
      return expectOk<MqttEndpoint>(
        await server.api(`${app}/installations/${installationID}/mqtt-endpoint`, { token }),
        200,
      );
    },
    /** Install and fetch the endpoint in one go. */
    async mqttEndpointFor(token: string, development = false): Promise<MqttEndpoint> {
      const { installationID } = await this.installMqtt(token, development);
      return this.endpoint(token, installationID);
    },
    async createTopic(token: string, path: string): Promise<void> {
      await expectOk(await server.api(path, { method: 'PUT', token }), 204);
    },
    async subscribe(
      token: string,
      path: string,
      subscriber: { userID?: string; thingID?: string },
    ): Promise<void> {
      const tail = subscriber.userID
        ? `users/${subscriber.userID}`
        : `things/${subscriber.thingID}`;
      await expectOk(
        await server.api(`${path}/push/subscriptions/${tail}`, { method: 'PUT', token }),
        204,
      );
    },
    async send(token: string, path: string, message: Record<string, unknown>): Promise<string> {
      const body = await expectOk<{ pushMessageID: string }>(
        await server.api(`${path}/push/messages`, { token, body: message }),
        201,
      );
      return body.pushMessageID;
    },
  };
}

export type KiiRest = ReturnType<typeof kiiRest>;

/** Polls `check` until it returns true; for state that has no event to await (a DB flag). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
