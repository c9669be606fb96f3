import {
  expectApiError,
  expectOk,
  startTestConsoleServer,
  type TestConsoleServer,
} from '../testing/test-console-server';

interface Me {
  person: { login: string; displayName: string };
  roles: { appId: string; role: string }[];
  csrfToken: string;
  session: { expiresAt: number; idleExpiresAt: number };
}

/** Sign-in, the session cookie, sign-out and sign-out everywhere, against the real server. */
describe('team sessions', () => {
  let server: TestConsoleServer;

  beforeEach(async () => {
    server = await startTestConsoleServer();
    await server.addPerson('ada', [{ appId: 'app1', role: 'operator' }]);
  });
  afterEach(() => server.close());

  it('signs in with a session cookie that is httpOnly, SameSite=Strict, Path=/ and not Secure over http', async () => {
    const client = server.client();
    const response = await client.signIn('ada');
    const me = await expectOk<Me>(response);
    expect(me.person.login).toBe('ada');
    expect(me.roles).toEqual([{ appId: 'app1', role: 'operator' }]);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^kpc-session=[A-Za-z0-9_-]{43}; /);
    const attributes = cookie.split('; ').slice(1);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Strict');
    expect(attributes).toContain('Path=/');
    expect(attributes).toContain(`Max-Age=${server.config.sessionAbsoluteMinutes * 60}`);
    expect(attributes).not.toContain('Secure');
    expect(me.session.idleExpiresAt).toBeLessThanOrEqual(me.session.expiresAt);
    // The answer never carries the hash, and the ID is not stored as such.
    expect(JSON.stringify(me)).not.toContain('scrypt');
    const stored = server.app.team.db.prepare('SELECT id_digest FROM sessions').all();
    expect(JSON.stringify(stored)).not.toContain(cookie.split(/[=;]/)[1]);
  });

  it('accepts the login name in any case and with surrounding spaces', async () => {
    await expectOk(await server.client().signIn(' ADA '));
  });

  it('answers /me for the session and 401 without one', async () => {
    const client = server.client();
    await expectApiError(await client.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
    await client.signIn('ada');
    const me = await expectOk<Me>(await client.request('GET', '/team/api/me'));
    expect(me.person.login).toBe('ada');
    expect(me.csrfToken).toBe(client.csrfToken!);
  });

  it('over https (behind a trusted proxy) names the cookie __Host-kpc-session, marks it Secure and sends HSTS', async () => {
    await server.close();
    server = await startTestConsoleServer({ trustProxy: '127.0.0.1' });
    await server.addPerson('ada');
    const client = server.client();
    const https = { 'x-forwarded-proto': 'https' };
    const response = await client.signIn('ada', undefined, {
      headers: https,
      origin: server.origin.replace('http:', 'https:'),
    });
    await expectOk(response);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-kpc-session=[A-Za-z0-9_-]{43}; /);
    expect(cookie.split('; ')).toContain('Secure');
    expect(cookie.split('; ')).toContain('Path=/');
    expect(cookie).not.toContain('Domain');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    // The plain-http name is not read over https, and the other way round.
    await expectOk(await client.request('GET', '/team/api/me', { headers: https }));
    await expectApiError(await client.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
  });

  it('issues a new session ID at every sign-in and ends the one the browser brought (session fixation)', async () => {
    const client = server.client();
    await client.signIn('ada');
    const before = client.cookie!;
    const planted = server.client();
    planted.cookie = before;
    await expectOk(await planted.signIn('ada'));
    expect(planted.cookie).toBeDefined();
    expect(planted.cookie).not.toBe(before);
    // The ID that was there before the sign-in no longer works.
    await expectApiError(await client.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
    await expectOk(await planted.request('GET', '/team/api/me'));
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const client = server.client();
    await client.signIn('ada');
    const cookie = client.cookie;
    const response = await client.request('DELETE', '/team/api/session');
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()[0]).toMatch(/^kpc-session=; .*Max-Age=0/);
    const stale = server.client();
    stale.cookie = cookie;
    await expectApiError(await stale.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
  });

  it('signs out everywhere: every session of the person ends, other people keep theirs', async () => {
    await server.addPerson('bob');
    const [laptop, phone, bob] = [server.client(), server.client(), server.client()];
    await laptop.signIn('ada');
    await phone.signIn('ada');
    await bob.signIn('bob');
    const phoneCookie = phone.cookie;
    expect((await phone.request('POST', '/team/api/session/everywhere')).status).toBe(204);
    expect(phone.cookie).toBeUndefined();
    await expectApiError(await laptop.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
    const replayed = server.client();
    replayed.cookie = phoneCookie;
    await expectApiError(await replayed.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
    await expectOk(await bob.request('GET', '/team/api/me'));
  });

  it('refuses a wrong password and an unknown login alike, saying how many tries are left', async () => {
    const wrong = await expectApiError(
      await server.client().signIn('ada', 'wrong-password'),
      401,
      'SIGN_IN_FAILED',
    );
    const unknown = await expectApiError(
      await server.client().signIn('nobody', 'wrong-password'),
      401,
      'SIGN_IN_FAILED',
    );
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.message).toContain('4 tries left');
    expect(wrong.details).toEqual({ triesLeft: 4 });
  });

  it('refuses a disabled person with the right password, and ends their sessions when disabled', async () => {
    const client = server.client();
    await client.signIn('ada');
    const { people } = server.app.team;
    const ada = people.byLogin('ada')!;
    people.update(ada.id, { displayName: 'Ada', disabled: true });
    await expectApiError(await client.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
    await expectApiError(await server.client().signIn('ada'), 403, 'ACCOUNT_DISABLED');
  });
});
