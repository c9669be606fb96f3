import { expectApiError, expectOk, type TeamClient } from '../testing/test-console-server';
import { SsoBrowser, type Landing } from './testing/sso-browser';
import { CLIENT_SECRET, PROVIDER_ID } from './testing/sso-accounts';
import { startSsoSetup, type SsoSetup } from './testing/sso-fixture';

interface Me {
  person: { login: string; displayName: string; hasPassword: boolean };
  roles: { appId: string; role: string }[];
  csrfToken: string;
}

interface AuditLine {
  person: string | null;
  action: string;
  target: string | null;
  status: number;
  error_code: string | null;
  details: Record<string, unknown>;
}

/** What ada's groups at the test provider ("ops", "unrelated") map to. */
const ADA_ROLES = [
  { appId: 'app1', role: 'operator' },
  { appId: 'app2', role: 'viewer' },
];

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider, started on 127.0.0.1
 * for each spec), driven over HTTP as a browser would: the console's start route, the
 * provider's login and consent forms, the callback, then the session on /me.
 */
describe('team OIDC sign-in', () => {
  let setup: SsoSetup;

  beforeEach(async () => (setup = await startSsoSetup()));
  afterEach(() => setup.close());

  const startUrl = (query = '?locale=en') =>
    `${setup.server.origin}/team/api/session/oidc/${PROVIDER_ID}/start${query}`;
  const callbackPrefix = () =>
    `${setup.server.origin}/team/api/session/oidc/${PROVIDER_ID}/callback`;

  /** A console API client holding the session cookie the browser got. */
  async function apiClientOf(browser: SsoBrowser): Promise<TeamClient> {
    const client = setup.server.client();
    const id = browser.cookie(setup.server.origin, 'kpc-session');
    client.cookie = id === undefined ? undefined : `kpc-session=${id}`;
    return client;
  }

  async function meOf(browser: SsoBrowser): Promise<Me> {
    const client = await apiClientOf(browser);
    return expectOk<Me>(await client.request('GET', '/team/api/me'));
  }

  function audit(): AuditLine[] {
    const rows = setup.server.app.team.db
      .prepare(
        'SELECT person, action, target, status, error_code, details_json FROM audit_log ORDER BY seq',
      )
      .all() as (Omit<AuditLine, 'details'> & { details_json: string })[];
    return rows.map(({ details_json, ...row }) => ({ ...row, details: JSON.parse(details_json) }));
  }

  function expectRefusedTo(landing: Landing, code: string, locale = 'en'): void {
    const last = landing.hops.at(-1)!;
    expect(landing.url.pathname).toBe(`/${locale}/sign-in`);
    expect(landing.url.searchParams.get('ssoError')).withContext(last.url).toBe(code);
    // Every hop on the console server answered a redirect, never a 5xx.
    for (const hop of landing.hops.filter((h) => h.url.startsWith(setup.server.origin))) {
      expect(hop.status).withContext(hop.url).toBeLessThan(500);
    }
  }

  it('lists the provider next to password sign-in', async () => {
    const client = setup.server.client();
    const providers = await expectOk(await client.request('GET', '/team/api/session/providers'));
    expect(providers).toEqual({ password: true, oidc: [{ id: 'corp', label: 'Corp SSO' }] });
    expect(JSON.stringify(providers)).not.toContain(CLIENT_SECRET);
  });

  it('starts a code flow with PKCE S256, state and nonce, bound to the browser by a Lax httpOnly cookie', async () => {
    const response = await fetch(startUrl(), { redirect: 'manual' });
    expect(response.status).toBe(303);
    const to = new URL(response.headers.get('location')!);
    expect(to.origin).toBe(setup.provider.issuer);
    const query = to.searchParams;
    expect(query.get('response_type')).toBe('code');
    expect(query.get('client_id')).toBe('kpc-console');
    expect(query.get('redirect_uri')).toBe(callbackPrefix());
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('scope')!.split(' ')).toEqual(['openid', 'profile', 'email', 'groups']);
    // The verifier never leaves the server.
    expect(to.href).not.toContain('code_verifier');
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^kpc-oidc=[A-Za-z0-9_-]{43}; /);
    const attributes = cookie.split('; ').slice(1);
    expect(attributes).toEqual(
      jasmine.arrayContaining([
        'HttpOnly',
        'SameSite=Lax',
        'Path=/team/api/session/oidc/',
        'Max-Age=600',
      ]),
    );
  });

  it('signs in through the provider: the session cookie works on /me with the mapped roles, audited and linked by issuer and subject', async () => {
    const browser = new SsoBrowser();
    const landing = await setup.signIn(browser, 'u-ada', 'ada-pass');
    expect(landing.url.href).toBe(`${setup.server.origin}/en/`);
    const callback = landing.hops.find((h) => h.url.startsWith(callbackPrefix()))!;
    expect(callback.status).toBe(303);
    const me = await meOf(browser);
    expect(me.person.login).toBe('ada');
    expect(me.person.displayName).toBe('Ada Lovelace');
    expect(me.person.hasPassword).toBeFalse();
    // "ops" maps to operator on app1 and viewer on app2; "unrelated" grants nothing.
    expect(me.roles).toEqual(ADA_ROLES);
    // The session is a real one: a state change with its CSRF token goes through.
    const client = await apiClientOf(browser);
    client.csrfToken = me.csrfToken;
    expect((await client.request('DELETE', '/team/api/session')).status).toBe(204);
    const link = setup.server.app.team.db
      .prepare('SELECT issuer, subject, provider_id FROM person_identities')
      .all();
    expect(link).toEqual([
      { issuer: setup.provider.issuer, subject: 'u-ada', provider_id: 'corp' },
    ]);
    const signIn = audit().find((row) => row.action === 'sign-in')!;
    expect(signIn.person).toBe('ada');
    expect(signIn.target).toBe('ada');
    expect(signIn.details).toEqual({
      via: 'oidc',
      provider: 'corp',
      created: true,
      claim: { name: 'groups', values: ['ops', 'unrelated'] },
      roles: me.roles,
    });
    expect(JSON.stringify(audit())).not.toContain(CLIENT_SECRET);
    // A person made by single sign-on has no password: password sign-in cannot reach them.
    await expectApiError(
      await setup.server.client().signIn('ada', 'ada-pass'),
      401,
      'SIGN_IN_FAILED',
    );
  });

  it('re-maps roles from the groups at the next sign-in, keeping the same person and updating their name', async () => {
    await setup.signIn(new SsoBrowser(), 'u-ada', 'ada-pass');
    const account = setup.provider.accounts.get('u-ada')!;
    account.groups = ['support-desk', 'console-admins'];
    account.name = 'Ada King';
    const browser = new SsoBrowser();
    await setup.signIn(browser, 'u-ada', 'ada-pass');
    const me = await meOf(browser);
    expect(me.person.login).toBe('ada');
    expect(me.person.displayName).toBe('Ada King');
    expect(me.roles).toEqual([
      { appId: '*', role: 'admin' },
      { appId: 'app1', role: 'support' },
    ]);
    expect(setup.server.app.team.people.list().map((p) => p.login)).toEqual(['ada']);
    expect(
      audit()
        .filter((row) => row.action === 'sign-in')
        .map((r) => r.details['created']),
    ).toEqual([true, false]);
  });

  it('issues a fresh session ID and ends the session the browser brought (no fixation)', async () => {
    await setup.server.addPerson('mallory', [{ appId: 'app1', role: 'viewer' }]);
    const attacker = setup.server.client();
    await attacker.signIn('mallory');
    const planted = attacker.cookie!.split('=')[1];
    const browser = new SsoBrowser();
    browser.setCookie(setup.server.origin, 'kpc-session', planted);
    await setup.signIn(browser, 'u-ada', 'ada-pass');
    expect(browser.cookie(setup.server.origin, 'kpc-session')).not.toBe(planted);
    expect((await meOf(browser)).person.login).toBe('ada');
    await expectApiError(await attacker.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
  });

  it('refuses a callback whose state does not match the sign-in started in this browser', async () => {
    const browser = new SsoBrowser();
    browser.holdBefore = callbackPrefix();
    const held = await setup.signIn(browser, 'u-ada', 'ada-pass');
    expect(held.status).toBe(0);
    const forged = new URL(held.url);
    forged.searchParams.set('state', 'x'.repeat(43));
    browser.holdBefore = undefined;
    const landing = await browser.navigate(forged);
    expectRefusedTo(landing, 'OIDC_STATE_MISMATCH');
    expect(browser.cookie(setup.server.origin, 'kpc-session')).toBeUndefined();
    // The flow is spent: the right state afterwards finds nothing either.
    expectRefusedTo(await browser.navigate(held.url), 'OIDC_FLOW_UNKNOWN');
    const failed = audit().filter((row) => row.action === 'sign-in.failed');
    expect(failed.map((row) => row.error_code)).toEqual([
      'OIDC_STATE_MISMATCH',
      'OIDC_FLOW_UNKNOWN',
    ]);
    expect(failed[0].target).toBe('oidc:corp');
    expect(failed[0].details['reason']).toContain('state');
  });

  it('refuses a replayed callback, in the same browser and with a copy of its flow cookie', async () => {
    const browser = new SsoBrowser();
    browser.holdBefore = callbackPrefix();
    const held = await setup.signIn(browser, 'u-ada', 'ada-pass');
    const flowCookie = browser.cookie(setup.server.origin, 'kpc-oidc')!;
    browser.holdBefore = undefined;
    const first = await browser.navigate(held.url);
    expect(first.url.href).toBe(`${setup.server.origin}/en/`);
    expectRefusedTo(await browser.navigate(held.url), 'OIDC_FLOW_UNKNOWN');
    const copy = new SsoBrowser();
    copy.setCookie(setup.server.origin, 'kpc-oidc', flowCookie, '/team/api/session/oidc/');
    const replay = await copy.navigate(held.url);
    expectRefusedTo(replay, 'OIDC_FLOW_UNKNOWN');
    expect(copy.cookie(setup.server.origin, 'kpc-session')).toBeUndefined();
  });

  it("refuses a code carried into another browser's sign-in: the provider checks the PKCE verifier", async () => {
    const victim = new SsoBrowser();
    victim.holdBefore = callbackPrefix();
    const held = await setup.signIn(victim, 'u-ada', 'ada-pass');
    // The attacker starts their own sign-in (their state, their verifier) and hands the
    // victim's code to the callback under their own state.
    const attacker = new SsoBrowser();
    attacker.holdBefore = setup.provider.issuer;
    const toProvider = await attacker.navigate(startUrl());
    const state = toProvider.url.searchParams.get('state')!;
    attacker.holdBefore = undefined;
    const injected = new URL(held.url);
    injected.searchParams.set('state', state);
    const landing = await attacker.navigate(injected);
    expectRefusedTo(landing, 'OIDC_TOKEN_REFUSED');
    expect(attacker.cookie(setup.server.origin, 'kpc-session')).toBeUndefined();
    const failed = audit().find((row) => row.action === 'sign-in.failed')!;
    expect(failed.details['error']).toBe('invalid_grant');
    // The attempt did not spend the code: the victim's own callback still signs them in.
    victim.holdBefore = undefined;
    expect((await victim.navigate(held.url)).url.href).toBe(`${setup.server.origin}/en/`);
    expect((await meOf(victim)).person.login).toBe('ada');
  });

  /** Signs in with one parameter of the authorization request changed on its way (front channel). */
  async function signInTampered(param: string, value: string): Promise<Landing> {
    const browser = new SsoBrowser();
    browser.holdBefore = setup.provider.issuer;
    const held = await browser.navigate(startUrl());
    browser.holdBefore = undefined;
    const tampered = new URL(held.url);
    tampered.searchParams.set(param, value);
    const form = await browser.navigate(tampered);
    const consent = await browser.submit(form, { login: 'u-ada', password: 'ada-pass' }, '/login');
    const landing = await browser.submit(consent, {}, '/confirm');
    expect(browser.cookie(setup.server.origin, 'kpc-session')).toBeUndefined();
    return landing;
  }

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    expectRefusedTo(await signInTampered('nonce', 'n'.repeat(43)), 'OIDC_RESPONSE_INVALID');
    const failed = audit().find((row) => row.action === 'sign-in.failed')!;
    expect(failed.details['reason']).toContain('nonce');
  });

  it('refuses a sign-in whose PKCE challenge was swapped on the way to the provider', async () => {
    expectRefusedTo(await signInTampered('code_challenge', 'c'.repeat(43)), 'OIDC_TOKEN_REFUSED');
  });

  it('refuses at the provider a code exchanged with no PKCE verifier or a wrong one', async () => {
    const browser = new SsoBrowser();
    browser.holdBefore = callbackPrefix();
    const held = await setup.signIn(browser, 'u-ada', 'ada-pass');
    const discovery = (await (
      await fetch(`${setup.provider.issuer}/.well-known/openid-configuration`)
    ).json()) as { token_endpoint: string };
    const exchange = (verifier?: string) =>
      fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`kpc-console:${CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: held.url.searchParams.get('code')!,
          redirect_uri: callbackPrefix(),
          ...(verifier ? { code_verifier: verifier } : {}),
        }),
      });
    for (const verifier of [undefined, 'w'.repeat(43)]) {
      const answer = await exchange(verifier);
      expect(answer.status).withContext(String(verifier)).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toBe('invalid_grant');
    }
  });

  it('sends the person back with OIDC_ACCESS_DENIED when they deny consent at the provider', async () => {
    const browser = new SsoBrowser();
    const form = await browser.navigate(startUrl('?locale=ja'));
    const consent = await browser.submit(form, { login: 'u-ada', password: 'ada-pass' }, '/login');
    const landing = await browser.submit(consent, {}, '/abort');
    expectRefusedTo(landing, 'OIDC_ACCESS_DENIED', 'ja');
    const failed = audit().find((row) => row.action === 'sign-in.failed')!;
    expect(failed.error_code).toBe('OIDC_ACCESS_DENIED');
    expect(failed.details['error']).toBe('access_denied');
  });

  it('refuses a person whose groups map to no role, creating no one, and strips a linked person whose groups went', async () => {
    const eve = new SsoBrowser();
    expectRefusedTo(await setup.signIn(eve, 'u-eve', 'eve-pass'), 'OIDC_NO_ROLE');
    expect(setup.server.app.team.people.list()).toEqual([]);
    const refusal = audit().find((row) => row.action === 'sign-in.failed')!;
    expect(refusal.details['values']).toEqual(['marketing']);
    expect(refusal.details['reason']).toContain('ask a team admin');

    await setup.signIn(new SsoBrowser(), 'u-ada', 'ada-pass');
    setup.provider.accounts.get('u-ada')!.groups = ['marketing'];
    const again = new SsoBrowser();
    expectRefusedTo(await setup.signIn(again, 'u-ada', 'ada-pass'), 'OIDC_NO_ROLE');
    const ada = setup.server.app.team.people.byLogin('ada')!;
    expect(setup.server.app.team.people.roles(ada.id)).toEqual([]);
  });

  it('refuses a disabled linked person', async () => {
    await setup.signIn(new SsoBrowser(), 'u-ada', 'ada-pass');
    const { people } = setup.server.app.team;
    people.update(people.byLogin('ada')!.id, { displayName: 'Ada', disabled: true });
    expectRefusedTo(await setup.signIn(new SsoBrowser(), 'u-ada', 'ada-pass'), 'ACCOUNT_DISABLED');
  });

  it('never links to a local account of the same name: the provider user gets a login of their own', async () => {
    await setup.server.addPerson('ada', [{ appId: '*', role: 'admin' }]);
    const browser = new SsoBrowser();
    await setup.signIn(browser, 'u-ada', 'ada-pass');
    const me = await meOf(browser);
    expect(me.person.login).toBe('ada.corp');
    expect(me.roles).toEqual(ADA_ROLES);
    const local = setup.server.app.team.people.byLogin('ada')!;
    expect(setup.server.app.team.people.roles(local.id)).toEqual([{ appId: '*', role: 'admin' }]);
  });

  it('sends an unknown provider back to the sign-in page with OIDC_PROVIDER_UNKNOWN', async () => {
    const browser = new SsoBrowser();
    const landing = await browser.navigate(
      `${setup.server.origin}/team/api/session/oidc/nope/start?locale=en`,
    );
    expectRefusedTo(landing, 'OIDC_PROVIDER_UNKNOWN');
    expect(audit().at(-1)!.target).toBe('oidc:nope');
  });
});
