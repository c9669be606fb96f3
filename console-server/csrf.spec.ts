import { request } from 'node:http';
import {
  expectApiError,
  expectOk,
  startTestConsoleServer,
  type TeamClient,
  type TestConsoleServer,
} from './testing/test-console-server';

/** The CSRF guard on state-changing requests (http-edge.ts): custom header and origin checks. */
describe('team CSRF guard', () => {
  let server: TestConsoleServer;
  let client: TeamClient;

  beforeEach(async () => {
    server = await startTestConsoleServer();
    await server.addPerson('ada', [{ appId: '*', role: 'admin' }]);
    client = server.client();
    await client.signIn('ada');
  });
  afterEach(() => server.close());

  const signOut = (options: Parameters<TeamClient['request']>[2]) =>
    client.request('DELETE', '/team/api/session', options);

  it('refuses a state change without the x-kpc-csrf header, and the session lives on', async () => {
    const error = await expectApiError(await signOut({ csrf: false }), 403, 'CSRF_REFUSED');
    expect(error.message).toContain('x-kpc-csrf');
    await expectOk(await client.request('GET', '/team/api/me'));
  });

  it("refuses a token that is not this session's", async () => {
    await expectApiError(await signOut({ csrf: 'guessed' }), 403, 'CSRF_REFUSED');
    const other = server.client();
    await other.signIn('ada');
    await expectApiError(await signOut({ csrf: other.csrfToken }), 403, 'CSRF_REFUSED');
  });

  it('refuses a foreign Origin even with the right token, and records the refusal', async () => {
    const error = await expectApiError(
      await signOut({ origin: 'https://evil.example' }),
      403,
      'CSRF_REFUSED',
    );
    expect(error.message).toContain('https://evil.example');
    const rows = server.app.team.db
      .prepare("SELECT person, action, target, status FROM audit_log WHERE action = 'csrf.refused'")
      .all();
    expect(rows).toEqual([
      { person: 'ada', action: 'csrf.refused', target: 'DELETE /team/api/session', status: 403 },
    ]);
  });

  it('refuses Sec-Fetch-Site cross-site and same-site', async () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      await expectApiError(
        await signOut({ headers: { 'sec-fetch-site': site } }),
        403,
        'CSRF_REFUSED',
      );
    }
  });

  it('accepts the token with a same-origin Origin and Sec-Fetch-Site, and without either (not a browser)', async () => {
    const people = (body: unknown, options = {}) =>
      client.request('POST', '/team/api/people', { body, ...options });
    const person = (login: string) => ({
      login,
      displayName: login,
      password: 'a-long-password',
    });
    await expectOk(await people(person('p1'), { headers: { 'sec-fetch-site': 'same-origin' } }));
    await expectOk(await people(person('p2'), { origin: false }));
    expect((await signOut({})).status).toBe(204);
  });

  it('refuses a sign-in without the header or from a foreign origin', async () => {
    const fresh = server.client();
    await expectApiError(
      await fresh.signIn('ada', undefined, { csrf: false }),
      403,
      'CSRF_REFUSED',
    );
    await expectApiError(
      await fresh.signIn('ada', undefined, { origin: 'http://localhost.evil.example' }),
      403,
      'CSRF_REFUSED',
    );
    expect(fresh.cookie).toBeUndefined();
  });

  it('checks the exact --public-origin when one is set', async () => {
    await server.close();
    server = await startTestConsoleServer({ publicOrigin: 'https://console.example.com' });
    await server.addPerson('ada');
    const fresh = server.client();
    await expectApiError(await fresh.signIn('ada'), 403, 'CSRF_REFUSED');
    await expectOk(await fresh.signIn('ada', undefined, { origin: 'https://console.example.com' }));
  });

  it('answers 421 to a host name that could be DNS rebinding', async () => {
    // fetch() will not send a Host of our choosing; node:http will.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve) => {
      const url = new URL('/team/api/me', server.origin);
      request(url, { headers: { host: 'attacker.example:80' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      }).end();
    });
    expect(status).toBe(421);
    expect(JSON.parse(body).error.code).toBe('MISDIRECTED_REQUEST');
  });
});
