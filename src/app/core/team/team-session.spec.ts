import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { KiiError } from '../kii-error';
import { SessionStore } from '../session';
import { ConsoleMode } from './console-mode';
import { TeamAccess } from './team-access';
import { CSRF_HEADER, TeamApi } from './team-api';
import { TEAM_APP_STORAGE_KEY, TeamSession } from './team-session';
import { ConnectedApp, TeamMe } from './team-types';

const ME: TeamMe = {
  person: { id: 2, login: 'olivia', displayName: 'Olivia Operator' },
  roles: [
    { appId: 'app-a', role: 'operator' },
    { appId: '*', role: 'viewer' },
  ],
  csrfToken: 'csrf-token-1',
  session: { expiresAt: 2_000_000_000_000, idleExpiresAt: 1_900_000_000_000 },
};
const APP_A: ConnectedApp = {
  appId: 'app-a',
  label: 'App A',
  site: 'custom',
  baseUrl: 'http://127.0.0.1:1/api',
  role: 'operator',
};
const APP_B: ConnectedApp = { ...APP_A, appId: 'app-b', label: 'App B', role: 'viewer' };
const unauthenticated = {
  error: { code: 'UNAUTHENTICATED', message: 'Sign in first' },
};

describe('TeamSession', () => {
  let http: HttpTestingController;
  let team: TeamSession;
  let mode: ConsoleMode;
  let browser: ReturnType<typeof createTestBrowser>;

  beforeEach(() => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    http = TestBed.inject(HttpTestingController);
    team = TestBed.inject(TeamSession);
    mode = TestBed.inject(ConsoleMode);
  });
  afterEach(() => http.verify());

  describe('detect()', () => {
    it('is team mode, signed in, when /me answers the person; loads the apps', async () => {
      const detected = team.detect();
      http.expectOne('/team/api/me').flush(ME);
      await Promise.resolve();
      http.expectOne('/team/api/apps').flush([APP_A]);
      expect(await detected).toBe('team');
      expect(mode.team()).toBeTrue();
      expect(team.person()?.login).toBe('olivia');
      // The only app is chosen at once, and the role is the app's own (operator beats '*').
      expect(team.appId()).toBe('app-a');
      expect(team.role()).toBe('operator');
      expect(browser.sessionStorage.getItem(TEAM_APP_STORAGE_KEY)).toBe('app-a');
    });

    it('is team mode, signed out, on 401 UNAUTHENTICATED in the envelope', async () => {
      const detected = team.detect();
      http
        .expectOne('/team/api/me')
        .flush(unauthenticated, { status: 401, statusText: 'Unauthorized' });
      expect(await detected).toBe('team');
      expect(team.signedIn()).toBeFalse();
    });

    it("is browser-only on the local Kii server's 404", async () => {
      const detected = team.detect();
      http
        .expectOne('/team/api/me')
        .flush({ errorCode: 'NOT_FOUND', message: 'x' }, { status: 404, statusText: 'Not Found' });
      expect(await detected).toBe('browser');
      expect(mode.team()).toBeFalse();
    });

    it('is browser-only when a static host answers its index.html, and asks only once', async () => {
      const first = team.detect();
      const again = team.detect();
      http.expectOne('/team/api/me').flush('<!doctype html><title>Console</title>');
      expect(await first).toBe('browser');
      expect(await again).toBe('browser');
    });
  });

  describe('signed in', () => {
    beforeEach(async () => {
      const signIn = firstValueFrom(team.signIn$('olivia', 'pw'));
      const request = http.expectOne('/team/api/session');
      expect(request.request.method).toBe('POST');
      // Before a session exists, the server takes any non-empty CSRF value.
      expect(request.request.headers.get(CSRF_HEADER)).toBeTruthy();
      expect(request.request.withCredentials).toBeTrue();
      expect(JSON.parse(request.request.body)).toEqual({ login: 'olivia', password: 'pw' });
      request.flush(ME);
      await Promise.resolve();
      http.expectOne('/team/api/apps').flush([APP_A, APP_B]);
      await signIn;
    });

    it('leaves the choice to the person when there are several apps', () => {
      expect(team.apps()?.length).toBe(2);
      expect(team.appId()).toBeNull();
      team.chooseApp('app-b');
      // '*' viewer applies to app-b.
      expect(team.role()).toBe('viewer');
    });

    it('sends the session CSRF token on every state change, and signs out', async () => {
      const out = firstValueFrom(team.signOut$(), { defaultValue: undefined });
      const request = http.expectOne('/team/api/session');
      expect(request.request.method).toBe('DELETE');
      expect(request.request.headers.get(CSRF_HEADER)).toBe('csrf-token-1');
      request.flush(null, { status: 204, statusText: 'No Content' });
      await out;
      expect(team.signedIn()).toBeFalse();
    });

    it('signs out everywhere', async () => {
      const out = firstValueFrom(team.signOutEverywhere$(), { defaultValue: undefined });
      const request = http.expectOne('/team/api/session/everywhere');
      expect(request.request.method).toBe('POST');
      request.flush(null, { status: 204, statusText: 'No Content' });
      await out;
      expect(team.person()).toBeNull();
    });

    it('forgets the person when any call answers 401 UNAUTHENTICATED', async () => {
      const call = firstValueFrom(TestBed.inject(TeamApi).get$('/apps'));
      http.expectOne('/team/api/apps').flush(unauthenticated, {
        status: 401,
        statusText: 'Unauthorized',
      });
      await expectAsync(call).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'auth', errorCode: 'UNAUTHENTICATED' }),
      );
      expect(team.signedIn()).toBeFalse();
    });

    it("gives pages the person's session on the chosen app, with no Kii token", () => {
      mode.set('team');
      const sessions = TestBed.inject(SessionStore);
      expect(sessions.session()).toBeNull();
      team.chooseApp('app-a');
      expect(sessions.session()).toEqual(
        jasmine.objectContaining({ appId: 'app-a', token: '', appKey: '' }),
      );
      expect(sessions.session()?.principal.name).toBe('Olivia Operator');
    });

    it('allows by role on the chosen app; everything in browser-only mode', () => {
      const access = TestBed.inject(TeamAccess);
      expect(access.can('people.manage')).toBeTrue();
      mode.set('team');
      team.chooseApp('app-b');
      expect(access.can('installations.view')).toBeTrue();
      expect(access.can('push.test')).toBeFalse();
      team.chooseApp('app-a');
      expect(access.can('installations.uninstall')).toBeTrue();
      expect(access.can('apps.connect')).toBeFalse();
    });
  });

  it('reports a refused sign-in with what to do, and a lock-out with the minutes', async () => {
    const wrong = firstValueFrom(team.signIn$('olivia', 'nope'));
    http
      .expectOne('/team/api/session')
      .flush(
        { error: { code: 'SIGN_IN_FAILED', message: 'Wrong', details: { triesLeft: 2 } } },
        { status: 401, statusText: 'Unauthorized' },
      );
    await expectAsync(wrong).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({
        kind: 'auth',
        errorCode: 'SIGN_IN_FAILED',
        message: jasmine.stringContaining('Wrong login name or password'),
      }),
    );
    const locked = firstValueFrom(team.signIn$('olivia', 'nope'));
    http.expectOne('/team/api/session').flush(
      {
        error: { code: 'SIGN_IN_LOCKED', message: 'Locked', details: { retryAfterSeconds: 900 } },
      },
      { status: 429, statusText: 'Too Many Requests', headers: { 'retry-after': '900' } },
    );
    await expectAsync(locked).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({
        errorCode: 'SIGN_IN_LOCKED',
        retryAfterSeconds: 900,
        message: jasmine.stringContaining('try again in 15 min'),
      }),
    );
  });

  it("maps a relayed Kii failure to Kii's own errorCode", async () => {
    const call = firstValueFrom(TestBed.inject(TeamApi).get$('/apps/app-a/installations/nope'));
    http.expectOne('/team/api/apps/app-a/installations/nope').flush(
      {
        error: {
          code: 'KII_NOT_FOUND',
          message: 'Kii answered 404',
          details: { kii: { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' } },
        },
      },
      { status: 404, statusText: 'Not Found' },
    );
    await expectAsync(call).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({
        kind: 'not-found',
        errorCode: 'INSTALLATION_NOT_FOUND',
        detail: 'Kii answered 404',
      }),
    );
  });

  it('says a refused role in words that say what to do', async () => {
    const call = firstValueFrom(TestBed.inject(TeamApi).delete$('/apps/app-a/installations/i'));
    http
      .expectOne('/team/api/apps/app-a/installations/i')
      .flush(
        { error: { code: 'FORBIDDEN', message: 'needs operator' } },
        { status: 403, statusText: 'Forbidden' },
      );
    await expectAsync(call).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({
        kind: 'forbidden',
        message: jasmine.stringContaining('Ask a team admin'),
      }),
    );
  });
});
