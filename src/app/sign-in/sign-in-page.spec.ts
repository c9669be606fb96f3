import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { Router, provideRouter } from '@angular/router';

import { teamApp, teamMe } from '../../testing/team-session';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { ConsoleMode } from '../core/team/console-mode';
import SignInPage from './sign-in-page';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

describe('SignInPage', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;
  let element: HTMLElement;

  async function render(url = '/sign-in') {
    TestBed.configureTestingModule({
      providers: [
        ...provideTestBrowser(createTestBrowser()),
        provideRouter([
          { path: 'sign-in', component: SignInPage },
          { path: 'installations', component: Blank },
          { path: 'choose-app', component: Blank },
        ]),
      ],
    });
    TestBed.inject(ConsoleMode).set('team');
    http = TestBed.inject(HttpTestingController);
    await TestBed.inject(Router).navigateByUrl(url);
    const fixture = TestBed.createComponent(SignInPage);
    element = fixture.nativeElement;
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
    return fixture;
  }

  const field = (label: string) =>
    loader.getHarness(MatInputHarness.with({ selector: `[autocomplete="${label}"]` }));
  const submit = () => loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }));
  const alertText = () => element.querySelector('[role="alert"]')?.textContent?.trim() ?? '';

  afterEach(() => http.verify());

  async function signIn(fixture: Awaited<ReturnType<typeof render>>, password: string) {
    await (await field('username')).setValue('olivia');
    await (await field('current-password')).setValue(password);
    await (await submit()).click();
    await fixture.whenStable();
    return http.expectOne('/team/api/session');
  }

  it('signs in and opens the installations of the only app', async () => {
    const fixture = await render();
    http.expectOne('/team/api/session/providers').flush({ password: true, oidc: [] });
    const request = await signIn(fixture, 'right');
    expect(JSON.parse(request.request.body)).toEqual({ login: 'olivia', password: 'right' });
    request.flush(teamMe('operator'));
    await fixture.whenStable();
    http.expectOne('/team/api/apps').flush([teamApp('operator')]);
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/installations');
  });

  it('says what to do after a wrong password, and how long a lock-out lasts', async () => {
    const fixture = await render();
    http.expectOne('/team/api/session/providers').flush({ password: true, oidc: [] });
    (await signIn(fixture, 'wrong')).flush(
      { error: { code: 'SIGN_IN_FAILED', message: 'Wrong', details: { triesLeft: 1 } } },
      { status: 401, statusText: 'Unauthorized' },
    );
    await fixture.whenStable();
    expect(alertText()).toContain('Wrong login name or password. Check both and try again');
    // The password is cleared for the next try; the login name stays.
    expect(await (await field('current-password')).getValue()).toBe('');
    expect(await (await field('username')).getValue()).toBe('olivia');

    (await signIn(fixture, 'wrong again')).flush(
      { error: { code: 'SIGN_IN_LOCKED', message: 'Locked', details: { retryAfterSeconds: 61 } } },
      { status: 429, statusText: 'Too Many Requests', headers: { 'retry-after': '61' } },
    );
    await fixture.whenStable();
    expect(alertText()).toContain('Sign-in is locked: try again in 2 min');
    expect(TestBed.inject(Router).url).toBe('/sign-in');
  });

  it('asks for both fields before sending anything', async () => {
    const fixture = await render();
    http.expectOne('/team/api/session/providers').flush({ password: true, oidc: [] });
    await (await submit()).click();
    await fixture.whenStable();
    expect(element.textContent).toContain('Enter your login name.');
    expect(element.textContent).toContain('Enter your password.');
    http.expectNone('/team/api/session');
  });

  it('offers a button per single sign-on provider, its label shown as text', async () => {
    const fixture = await render();
    http.expectOne('/team/api/session/providers').flush({
      password: true,
      oidc: [{ id: 'corp', label: '<b>Corp</b> SSO' }],
    });
    await fixture.whenStable();
    const sso = await loader.getHarness(MatButtonHarness.with({ text: /Sign in with/ }));
    expect(await sso.getText()).toBe('Sign in with <b>Corp</b> SSO');
    expect(await (await sso.host()).getAttribute('href')).toBe('/team/api/session/oidc/corp/start');
  });

  it('shows the single sign-on failure the callback named, and works when providers fail', async () => {
    const fixture = await render('/sign-in?ssoError=OIDC_NO_ROLE');
    http
      .expectOne('/team/api/session/providers')
      .flush({ error: { code: 'NOT_FOUND', message: 'x' } }, { status: 404, statusText: 'No' });
    await fixture.whenStable();
    expect(alertText()).toContain('none of your groups gives a role');
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: /Sign in with/ }))).toEqual(
      [],
    );
  });
});
