import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import {
  ConnectPageHarness,
  LOCAL_INFO,
  renderConnectPage,
} from '../../testing/connect-page-harness';
import { TestBrowser, createTestBrowser } from '../../testing/test-providers';
import { PROFILES_STORAGE_KEY, profileKey } from '../core/profiles';
import { SdkAdminContext } from '../core/kii-sdk';
import ConnectPage from './connect-page';

describe('ConnectPage', () => {
  let browser: TestBrowser;
  let fixture: ComponentFixture<ConnectPage>;
  let page: ConnectPageHarness;

  async function render(info: typeof LOCAL_INFO | 'absent'): Promise<void> {
    ({ fixture, page } = await renderConnectPage(browser, info));
  }

  beforeEach(() => {
    browser = createTestBrowser();
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  describe('served by the local server', () => {
    it('offers "This local server" with the demo app and signs in as its admin', async () => {
      await render(LOCAL_INFO);
      expect(await page.site()).toBe('This local server');
      expect(await page.value('App ID')).toBe('demoapp');
      expect(await page.value('Client ID')).toBe('demo-client-id');
      expect(await page.value('Client secret')).toBe('demo-client-secret');

      await page.submit();

      expect(browser.sdk.site).toEqual({
        appId: 'demoapp',
        appKey: 'demoappkey',
        baseUrl: 'http://127.0.0.1:8080/api',
      });
      const summary = await page.summaryText();
      expect(summary).toContain('App admin demo-client-id');
      expect(summary).toContain('demoapp');
      expect(summary).toContain('This local server');
      expect(summary).toContain('Does not expire');
      expect(await page.errorText()).toBe('');
      expect(await page.profileTitles()).toEqual(['demoapp · This local server']);
    });

    it('shows the server version', async () => {
      await render(LOCAL_INFO);
      expect((fixture.nativeElement as HTMLElement).textContent).toContain('(version 0.1.0)');
    });
  });

  describe('not served by the local server', () => {
    it('offers only Kii Cloud sites and a custom base URL, with an empty form', async () => {
      await render('absent');
      expect(await page.siteOptions()).toEqual([
        'United States',
        'Japan',
        'Singapore',
        'Europe',
        'Custom base URL',
      ]);
      expect(await page.site()).toBe('United States');
      expect(await page.value('App ID')).toBe('');
    });

    it('shows the base URL of the chosen Kii Cloud site', async () => {
      await render('absent');
      await page.chooseSite('Japan');
      expect(await (await page.formField('Site')).getTextHints()).toEqual([
        'https://api-jp.kii.com/api',
      ]);
    });
  });

  it('signs in as a user on a custom base URL', async () => {
    await render('absent');
    expect(await page.hasField('Base URL'))
      .withContext('base URL only for the custom site')
      .toBeFalse();
    await page.chooseSite('Custom base URL');
    await page.chooseKind('User');
    await page.fill({
      'Base URL': 'https://kii.example.com/api/',
      'App ID': 'demoapp',
      'App key': 'demoappkey',
      Username: 'alice',
      Password: 'alice-pass',
    });
    await page.submit();

    expect(browser.sdk.site?.baseUrl).toBe('https://kii.example.com/api');
    expect(browser.sdk.calls).toContain('KiiUser.authenticate alice alice-pass');
    const summary = await page.summaryText();
    expect(summary).toContain('User alice');
    expect(summary).toContain('user-alice-id');
    expect(summary).toContain('Custom base URL');
    expect(summary).not.toContain('Does not expire');
  });

  it('signs in as a thing with its vendor thing ID', async () => {
    await render('absent');
    await page.chooseKind('Thing');
    await page.fill({
      'App ID': 'demoapp',
      'App key': 'demoappkey',
      'Vendor thing ID': 'sensor-1',
      Password: 'thing-pass',
    });
    await page.submit();
    expect(browser.sdk.site?.baseUrl).toBe('https://api.kii.com/api');
    expect(await page.summaryText()).toContain('Thing sensor-1 (th.sensor-1-id)');
  });

  describe('errors', () => {
    beforeEach(async () => {
      await render(LOCAL_INFO);
    });

    it('says to check the client ID and secret when the admin is refused', async () => {
      await page.fill({ 'Client secret': 'wrong' });
      await page.submit();
      expect(await page.errorText()).toContain('Check the client ID and secret.');
      expect(await page.errorText()).toContain('invalid_grant');
      expect(await page.summaryText()).toBeNull();
    });

    it('says to check the username and password when a user is refused', async () => {
      await page.chooseKind('User');
      await page.fill({ Username: 'alice', Password: 'wrong-password' });
      await page.submit();
      expect(await page.errorText()).toContain('Check the username and password.');
    });

    it('says to check the vendor thing ID and password when a thing is refused', async () => {
      await page.chooseKind('Thing');
      await page.fill({ 'Vendor thing ID': 'sensor-1', Password: 'wrong' });
      await page.submit();
      expect(await page.errorText()).toContain('Check the vendor thing ID and password.');
    });

    it('says to check the app ID and site for an unknown app', async () => {
      await page.fill({ 'App ID': 'nosuchapp' });
      await page.submit();
      const text = await page.errorText();
      expect(text).toContain('Check the app ID and the site.');
      expect(text).toContain('APP_NOT_FOUND');
      expect(text).toContain('HTTP 404');
    });

    it('says to check the base URL when the site does not answer', async () => {
      browser.sdk.reachable = false;
      await page.submit();
      expect(await page.errorText()).toContain(
        'Check the base URL, or that the server is running.',
      );
    });

    it('clears the error on the next successful sign-in', async () => {
      await page.fill({ 'Client secret': 'wrong' });
      await page.submit();
      expect(await page.errorText()).not.toBe('');
      await page.fill({ 'Client secret': 'demo-client-secret' });
      await page.submit();
      expect(await page.errorText()).toBe('');
      expect(await page.summaryText()).not.toBeNull();
    });
  });

  it('asks for missing values instead of calling the SDK', async () => {
    await render('absent');
    await page.submit();
    expect(await (await page.formField('App ID')).getTextErrors()).toEqual(['Enter the app ID.']);
    expect(browser.sdk.calls).toEqual([]);
  });

  it('rejects a custom base URL that is not http(s)', async () => {
    await render('absent');
    await page.chooseSite('Custom base URL');
    await page.fill({ 'Base URL': 'ftp://example.com' });
    await page.submit();
    expect(await (await page.formField('Base URL')).getTextErrors()).toEqual([
      'Enter an http:// or https:// URL.',
    ]);
  });

  it('shows progress and ignores a second submit while signing in', async () => {
    await render(LOCAL_INFO);
    let finish!: (admin: SdkAdminContext) => void;
    const pending = spyOn(browser.sdk.Kii, 'authenticateAsAppAdmin').and.returnValue(
      new Promise<SdkAdminContext>((resolve) => (finish = resolve)),
    );
    await page.submit();
    expect(await page.isSubmitDisabled()).toBeTrue();
    expect(await page.isBusy()).toBeTrue();
    await page.submit();

    finish(browser.sdk.adminContext('token-x'));
    await fixture.whenStable();
    expect(pending).toHaveBeenCalledTimes(1);
    expect(await page.isSubmitDisabled()).toBeFalse();
    expect(await page.isBusy()).toBeFalse();
    expect(await page.summaryText()).toContain('demo-client-id');
  });

  it('clears the credentials when the sign-in kind changes', async () => {
    await render(LOCAL_INFO);
    await page.chooseKind('User');
    expect(await page.value('Username')).toBe('');
    expect(await page.value('Password')).toBe('');
    expect(await page.value('App ID')).toBe('demoapp');
  });

  it('reveals the typed secret on request', async () => {
    await render(LOCAL_INFO);
    const secret = await page.field('Client secret');
    expect(await secret.getType()).toBe('password');
    await page.revealSecret();
    expect(await secret.getType()).toBe('text');
  });

  it('signs out from the summary card and keeps the profile', async () => {
    await render(LOCAL_INFO);
    await page.submit();
    expect(await page.summaryText()).not.toBeNull();
    await page.signOut();
    expect(await page.summaryText()).toBeNull();
    expect(browser.sessionStorage.length).toBe(0);
    expect(await page.profileTitles()).toEqual(['demoapp · This local server']);
  });

  it('binds stored names as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const profile = {
      site: 'us' as const,
      baseUrl: 'https://api.kii.com/api',
      appId: hostile,
      appKey: 'k',
      kind: 'admin' as const,
      login: 'x',
      lastUsedAt: 1,
    };
    browser.localStorage.setItem(
      PROFILES_STORAGE_KEY,
      JSON.stringify([{ ...profile, key: profileKey(profile) }]),
    );
    await render('absent');
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('img')).toBeNull();
    expect(await page.profileTitles()).toEqual([`${hostile} · United States`]);
  });
});
