import { expectKiiError, expectOk, kiiRest } from '../testing/kii-rest';
import { startTestServer, type TestServer } from '../testing/test-server';
import { createSignInLimiter, SIGN_IN_FAILURES_ALLOWED, SIGN_IN_WINDOW_MS } from './sign-in-limit';

describe('sign-in rate limit', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
    await kiiRest(server).registerUser('guess-target', 'right-pass');
    await kiiRest(server).registerUser('bystander', 'other-pass');
  });
  afterEach(() => server.close());

  const signIn = (username: string, password: string) =>
    server.api('/oauth2/token', { body: { username, password } });

  it('refuses further tries for an account with 429 and Retry-After after repeated wrong passwords, even the right one', async () => {
    for (let i = 0; i < SIGN_IN_FAILURES_ALLOWED; i++) {
      await expectKiiError(await signIn('guess-target', `wrong-${i}`), 400, 'invalid_grant');
    }
    const locked = await signIn('guess-target', 'right-pass');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.headers.get('access-control-allow-origin')).toBe('*');
    const body = await expectKiiError(locked, 429, 'TOO_MANY_REQUESTS');
    expect(body['error_description']).toMatch(/try again in \d+ s/);

    // Other accounts are not locked out by it.
    await expectOk(await signIn('bystander', 'other-pass'));
  });

  it('applies to the app admin credentials too', async () => {
    const admin = (secret: string) =>
      server.api('/oauth2/token', {
        body: { client_id: server.config.clientId, client_secret: secret },
      });
    for (let i = 0; i < SIGN_IN_FAILURES_ALLOWED; i++) {
      await expectKiiError(await admin(`guess-${i}`), 400, 'invalid_grant');
    }
    await expectKiiError(await admin(server.config.clientSecret), 429, 'TOO_MANY_REQUESTS');
  });

  it('forgets failures after a successful sign-in and when the window ends', () => {
    let now = 0;
    const limiter = createSignInLimiter(() => now);
    for (let i = 0; i < SIGN_IN_FAILURES_ALLOWED - 1; i++) limiter.failed('k');
    limiter.succeeded('k');
    for (let i = 0; i < SIGN_IN_FAILURES_ALLOWED; i++) limiter.failed('k');
    expect(() => limiter.check('k')).toThrow();
    now += SIGN_IN_WINDOW_MS;
    expect(() => limiter.check('k')).not.toThrow();
  });
});

describe('sign-in timing', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
    await kiiRest(server).registerUser('timing-known', 'right-pass');
  });
  afterEach(() => server.close());

  /** Median time of a few wrong sign-ins, so one scheduling hiccup does not decide. */
  async function medianMs(username: string): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await server.api('/oauth2/token', { body: { username, password: `wrong-${i}` } });
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[2];
  }

  it('spends a password check on an unknown account too, so timing does not tell which names exist', async () => {
    const known = await medianMs('timing-known');
    const unknown = await medianMs('timing-nobody');
    // Without the check an unknown name answers in about 1 ms against tens of ms for scrypt.
    expect(unknown).toBeGreaterThan(known / 3);
  });
});
