import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from './kii-error';
import { Credentials } from './principal';
import { PROFILES_STORAGE_KEY, ProfileStore } from './profiles';
import { SESSION_STORAGE_KEY, Session, SessionStore, SignInRequest } from './session';

const LOCAL = 'http://127.0.0.1:8080/api';

function request(credentials: Credentials, extra: Partial<SignInRequest> = {}): SignInRequest {
  return {
    site: 'local',
    baseUrl: LOCAL,
    appId: 'demoapp',
    appKey: 'demoappkey',
    credentials,
    rememberSecret: false,
    ...extra,
  };
}

const ADMIN: Credentials = {
  kind: 'admin',
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
};
const USER: Credentials = { kind: 'user', username: 'alice', password: 'alice-pass' };
const THING: Credentials = { kind: 'thing', vendorThingId: 'sensor-1', password: 'thing-pass' };

async function failure(promise: Promise<unknown>): Promise<KiiError> {
  try {
    await promise;
  } catch (error) {
    return error as KiiError;
  }
  throw new Error('expected a failure');
}

describe('SessionStore', () => {
  let browser: TestBrowser;

  function create(): SessionStore {
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    return TestBed.inject(SessionStore);
  }

  beforeEach(() => {
    browser = createTestBrowser();
  });

  describe('as the app admin', () => {
    it('initialises the SDK, signs in and keeps the session with its token', async () => {
      const store = create();
      const session = await firstValueFrom(store.signIn$(request(ADMIN, { baseUrl: `${LOCAL}/` })));

      expect(browser.sdk.calls.slice(0, 2)).toEqual([
        `initializeWithSite demoapp demoappkey ${LOCAL}`,
        'authenticateAsAppAdmin demo-client-id demo-client-secret',
      ]);
      expect(session.principal).toEqual({
        kind: 'admin',
        id: 'demo-client-id',
        name: 'demo-client-id',
      });
      expect(browser.sdk.issuedToken(session.token)).toBeTrue();
      expect(session.expiresAt).toBeNull();
      expect(session.baseUrl).toBe(LOCAL);
      expect(store.session()).toEqual(session);
      expect(store.signedIn()).toBeTrue();
      const stored = JSON.parse(browser.sessionStorage.getItem(SESSION_STORAGE_KEY)!) as Session;
      expect(stored.token).toBe(session.token);
    });

    it('fails with auth on a wrong secret and stays signed out', async () => {
      const store = create();
      const error = await failure(
        firstValueFrom(store.signIn$(request({ ...ADMIN, clientSecret: 'wrong' }))),
      );
      expect(error.kind).toBe('auth');
      expect(error.errorCode).toBe('invalid_grant');
      expect(store.session()).toBeNull();
      expect(browser.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
      expect(TestBed.inject(ProfileStore).profiles()).toEqual([]);
    });

    it('fails with not-found APP_NOT_FOUND for an unknown app', async () => {
      const store = create();
      const error = await failure(
        firstValueFrom(store.signIn$(request(ADMIN, { appId: 'nosuchapp' }))),
      );
      expect(error).toEqual(
        jasmine.objectContaining({ kind: 'not-found', errorCode: 'APP_NOT_FOUND', status: 404 }),
      );
    });

    it('fails with network when the site does not answer', async () => {
      browser.sdk.reachable = false;
      const store = create();
      const error = await failure(firstValueFrom(store.signIn$(request(ADMIN))));
      expect(error.kind).toBe('network');
      expect(error.status).toBe(0);
    });
  });

  describe('as a user', () => {
    it('signs in with the user ID, name and token expiry', async () => {
      const store = create();
      const before = Date.now();
      const session = await firstValueFrom(store.signIn$(request(USER)));
      expect(session.principal).toEqual({ kind: 'user', id: 'user-alice-id', name: 'alice' });
      expect(session.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
      expect(session.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    });

    it('shows a token without expiry (Kii: 2147483647 s) as none', async () => {
      browser.sdk.userTokenSeconds = 2147483647;
      const store = create();
      const session = await firstValueFrom(store.signIn$(request(USER)));
      expect(session.expiresAt).toBeNull();
    });

    it('fails with auth on a wrong password', async () => {
      const store = create();
      const error = await failure(
        firstValueFrom(store.signIn$(request({ ...USER, password: 'nope-nope' }))),
      );
      expect(error.kind).toBe('auth');
      expect(store.signedIn()).toBeFalse();
    });

    it("fails with invalid when the SDK's own checks refuse the password", async () => {
      const store = create();
      const error = await failure(
        firstValueFrom(store.signIn$(request({ ...USER, password: 'x' }))),
      );
      expect(error.kind).toBe('invalid');
      expect(error.status).toBe(-1);
    });
  });

  describe('as a thing', () => {
    it('signs in with the thing ID and vendor thing ID', async () => {
      const store = create();
      const session = await firstValueFrom(store.signIn$(request(THING)));
      expect(session.principal).toEqual({
        kind: 'thing',
        id: 'th.sensor-1-id',
        name: 'sensor-1',
      });
      expect(browser.sdk.issuedToken(session.token)).toBeTrue();
    });

    it('fails with auth on a wrong password (KiiXHRWrapper error string)', async () => {
      const store = create();
      const error = await failure(
        firstValueFrom(store.signIn$(request({ ...THING, password: 'wrong' }))),
      );
      expect(error).toEqual(
        jasmine.objectContaining({ kind: 'auth', errorCode: 'invalid_grant', status: 400 }),
      );
    });

    it('fails with network when the site does not answer', async () => {
      browser.sdk.reachable = false;
      const store = create();
      const error = await failure(firstValueFrom(store.signIn$(request(THING))));
      expect(error.kind).toBe('network');
    });
  });

  describe('profiles', () => {
    it('saves the profile without the secret by default', async () => {
      const store = create();
      await firstValueFrom(store.signIn$(request(ADMIN)));
      const raw = browser.localStorage.getItem(PROFILES_STORAGE_KEY)!;
      expect(raw).not.toContain('demo-client-secret');
      expect(raw).not.toContain('token-');
      expect(TestBed.inject(ProfileStore).profiles()).toEqual([
        jasmine.objectContaining({
          site: 'local',
          appId: 'demoapp',
          kind: 'admin',
          login: 'demo-client-id',
        }),
      ]);
      expect(browser.sessionStorage.getItem(SESSION_STORAGE_KEY)).not.toContain(
        'demo-client-secret',
      );
    });

    it('keeps the secret with the profile when asked to remember it', async () => {
      const store = create();
      await firstValueFrom(store.signIn$(request(USER, { rememberSecret: true })));
      expect(TestBed.inject(ProfileStore).profiles()[0].secret).toBe('alice-pass');
    });
  });

  describe('sign out', () => {
    it('forgets the session and token but keeps the profile', async () => {
      const store = create();
      await firstValueFrom(store.signIn$(request(USER)));
      store.signOut();
      expect(store.session()).toBeNull();
      expect(browser.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
      expect(browser.sdk.calls).toContain('logOut');
      expect(TestBed.inject(ProfileStore).profiles().length).toBe(1);
    });

    it('is harmless when the SDK was never initialised', () => {
      const store = create();
      expect(() => store.signOut()).not.toThrow();
      expect(store.signedIn()).toBeFalse();
    });
  });

  describe('after a reload', () => {
    async function signInThenReload(credentials: Credentials): Promise<SessionStore> {
      const first = create();
      await firstValueFrom(first.signIn$(request(credentials)));
      TestBed.resetTestingModule();
      browser.sdk.calls.length = 0;
      return create();
    }

    it('restores the session from sessionStorage', async () => {
      const store = await signInThenReload(ADMIN);
      expect(store.session()?.principal.name).toBe('demo-client-id');
    });

    it('rebuilds an admin context from the token without a request', async () => {
      const store = await signInThenReload(ADMIN);
      const context = await firstValueFrom(store.context$());
      expect(context.kind).toBe('admin');
      expect(browser.sdk.calls[0]).toBe(`initializeWithSite demoapp demoappkey ${LOCAL}`);
      expect(browser.sdk.calls[1]).toMatch(/^authenticateAsAdminWithToken token-admin-/);
    });

    it('rebuilds a thing context from the thing ID and token', async () => {
      const store = await signInThenReload(THING);
      const context = await firstValueFrom(store.context$());
      expect(context.kind).toBe('thing');
      expect(browser.sdk.calls[1]).toMatch(/^authenticateAsThingWithToken th.sensor-1-id /);
    });

    it('rebuilds a user through the server, and signs out when the token is refused', async () => {
      const store = await signInThenReload(USER);
      const context = await firstValueFrom(store.context$());
      expect(context.kind).toBe('user');

      const stale: Session = { ...store.session()!, token: 'revoked' };
      browser.sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(stale));
      TestBed.resetTestingModule();
      const reloaded = create();
      const error = await failure(firstValueFrom(reloaded.context$()));
      expect(error.kind).toBe('auth');
      expect(error.errorCode).toBe('WRONG_TOKEN');
      expect(reloaded.session()).toBeNull();
    });

    it('drops an expired session', () => {
      const expired: Session = {
        site: 'us',
        baseUrl: 'https://api.kii.com/api',
        appId: 'a',
        appKey: 'k',
        principal: { kind: 'user', id: 'u', name: 'n' },
        token: 't',
        expiresAt: Date.now() - 1000,
        signedInAt: Date.now() - 5000,
      };
      browser.sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(expired));
      const store = create();
      expect(store.session()).toBeNull();
      expect(browser.sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    });

    it('ignores unreadable stored sessions', () => {
      browser.sessionStorage.setItem(SESSION_STORAGE_KEY, '{"token":');
      expect(create().session()).toBeNull();
    });
  });

  it('reuses the context of the current sign-in', async () => {
    const store = create();
    await firstValueFrom(store.signIn$(request(ADMIN)));
    const calls = browser.sdk.calls.length;
    const context = await firstValueFrom(store.context$());
    expect(context.kind).toBe('admin');
    expect(browser.sdk.calls.length).toBe(calls);
  });

  it('refuses a context when nobody is signed in', async () => {
    const error = await failure(firstValueFrom(create().context$()));
    expect(error.kind).toBe('auth');
  });
});
