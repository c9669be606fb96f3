import { expectKiiError, expectOk, kiiRest, type KiiRest } from '../testing/kii-rest';
import { startTestServer, type TestServer } from '../testing/test-server';

interface TokenAnswer {
  id: string;
  access_token: string;
  expires_in: number;
  token_type: string;
}

/** Token issue for users, things and the app admin, on both paths (docs/kii-api.md §4.1, §4.2). */
describe('oauth2 tokens', () => {
  let server: TestServer;
  let rest: KiiRest;

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
  });
  afterEach(() => server.close());

  const me = (token: string) => server.api(`${rest.app}/users/me`, { token });

  it("issues never-expiring user tokens on /oauth2/token and on the app-scoped path, with Kii's fields", async () => {
    const alice = await rest.registerUser('alice');
    const appScoped = await expectOk<TokenAnswer>(
      await server.api(`${rest.app}/oauth2/token`, {
        body: { grant_type: 'password', username: 'alice', password: 'secret-pass' },
      }),
    );
    expect(appScoped).toEqual({
      id: alice.id,
      access_token: jasmine.any(String),
      expires_in: 2147483647,
      token_type: jasmine.stringMatching(/^bearer$/i),
    });
    // The SDK's KiiXHRWrapper sends a lower-case scheme.
    const lower = await server.api(`${rest.app}/users/me`, {
      headers: { authorization: `bearer ${appScoped.access_token}` },
    });
    expect((await expectOk<{ userID: string }>(lower)).userID).toBe(alice.id);
  });

  it('issues the admin token for client credentials, JSON or form-encoded with Basic app credentials', async () => {
    const json = await expectOk<TokenAnswer>(
      await server.api('/oauth2/token', {
        body: { client_id: server.config.clientId, client_secret: server.config.clientSecret },
      }),
    );
    const form = await fetch(`${server.baseUrl}${rest.app}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${server.config.appId}:anything`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: server.config.clientId,
        client_secret: server.config.clientSecret,
      }),
    });
    const formToken = await expectOk<TokenAnswer>(form);
    for (const token of [json.access_token, formToken.access_token]) {
      // Only the admin may read the installations listing.
      expect((await server.api(`/x-local/v1${rest.app}/installations`, { token })).status).toBe(
        200,
      );
    }
    await expectKiiError(
      await server.api('/oauth2/token', {
        body: { client_id: server.config.clientId, client_secret: 'wrong' },
      }),
      400,
      'invalid_grant',
    );
  });

  it('logs a thing in by VENDOR_THING_ID and refuses a wrong thing password', async () => {
    const thing = await rest.registerThing('meter-1', 'thing-pass');
    const login = await expectOk<TokenAnswer>(
      await server.api('/oauth2/token', {
        body: { username: 'VENDOR_THING_ID:meter-1', password: 'thing-pass' },
        headers: { 'content-type': 'application/vnd.kii.OauthTokenRequest+json' },
      }),
    );
    expect(login.id).toBe(thing.id);
    expect(
      (await server.api(`${rest.app}/things/${thing.id}`, { token: login.access_token })).status,
    ).toBe(200);
    await expectKiiError(
      await server.api('/oauth2/token', {
        body: { username: 'VENDOR_THING_ID:meter-1', password: 'wrong-pass' },
      }),
      400,
      'invalid_grant',
    );
  });

  it('honours expiresAt: the token works until then and is refused with WRONG_TOKEN after', async () => {
    await rest.registerUser('alice');
    const expiresAt = Date.now() + 1200;
    const login = await expectOk<TokenAnswer>(
      await server.api('/oauth2/token', {
        body: { username: 'alice', password: 'secret-pass', expiresAt },
      }),
    );
    expect(login.expires_in).toBeLessThanOrEqual(1);
    expect((await me(login.access_token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 20));
    await expectKiiError(await me(login.access_token), 403, 'WRONG_TOKEN');
  });

  it('issues an anonymous token for the app ID and app key, good for what anonymous callers may do only', async () => {
    const anonymous = await expectOk<TokenAnswer>(
      await server.api(`${rest.app}/oauth2/token`, {
        body: {
          grant_type: 'client_credentials',
          client_id: server.config.appId,
          client_secret: server.config.appKey,
        },
      }),
    );
    expect(anonymous.id).toBe('ANONYMOUS_USER');
    const token = anonymous.access_token;
    // Registering a user is an anonymous call.
    await expectOk(
      await server.api(`${rest.app}/users`, {
        token,
        body: { loginName: 'carol', password: 'secret-pass' },
      }),
      201,
    );
    // Nothing that needs a principal.
    await expectKiiError(await me(token), 401, 'UNAUTHORIZED');
    await expectKiiError(
      await server.api(`${rest.app}/installations`, { token, body: { deviceType: 'MQTT' } }),
      401,
      'UNAUTHORIZED',
    );
    await expectKiiError(
      await server.api(`/x-local/v1${rest.app}/installations`, { token }),
      401,
      'UNAUTHORIZED',
    );
    await expectKiiError(
      await server.api('/oauth2/token', {
        body: { client_id: server.config.appId, client_secret: 'not-the-key' },
      }),
      400,
      'invalid_grant',
    );
  });
});
