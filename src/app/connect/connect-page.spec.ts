import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatCardHarness } from '@angular/material/card/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatSelectHarness } from '@angular/material/select/testing';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { LocalServerInfo } from '../core/local-server';
import { PROFILES_STORAGE_KEY, SavedProfile, profileKey } from '../core/profiles';
import { SdkAdminContext } from '../core/kii-sdk';
import ConnectPage from './connect-page';

const INFO_URL = 'http://127.0.0.1:8080/api/x-local/v1/info';
const LOCAL_INFO: LocalServerInfo = {
  server: 'kii-push-local',
  version: '0.1.0',
  extensions: ['installations', 'deliveries', 'tap'],
  demo: {
    appId: 'demoapp',
    appKey: 'demoappkey',
    clientId: 'demo-client-id',
    clientSecret: 'demo-client-secret',
  },
};

function savedProfile(input: Omit<SavedProfile, 'key'>): SavedProfile {
  return { ...input, key: profileKey(input) };
}

describe('ConnectPage', () => {
  let browser: TestBrowser;
  let fixture: ComponentFixture<ConnectPage>;
  let loader: HarnessLoader;

  /** Renders the page; the discovery request answers `info`, or 404 for 'absent'. */
  async function render(info: LocalServerInfo | 'absent'): Promise<void> {
    TestBed.configureTestingModule({ imports: [ConnectPage], providers: provideTestBrowser(browser) });
    fixture = TestBed.createComponent(ConnectPage);
    const discovery = TestBed.inject(HttpTestingController).expectOne(INFO_URL);
    if (info === 'absent') discovery.flush('Not Found', { status: 404, statusText: 'Not Found' });
    else discovery.flush(info);
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  async function field(label: string | RegExp): Promise<MatInputHarness> {
    const formField = await loader.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: label }),
    );
    return (await formField.getControl(MatInputHarness))!;
  }

  async function fill(values: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(values)) {
      await (await field(label)).setValue(value);
    }
  }

  async function chooseSite(name: string): Promise<void> {
    const select = await loader.getHarness(MatSelectHarness);
    await select.open();
    await select.clickOptions({ text: name });
  }

  async function chooseKind(name: 'App admin' | 'User' | 'Thing'): Promise<void> {
    await (await loader.getHarness(MatButtonToggleHarness.with({ text: name }))).check();
  }

  async function submit(): Promise<void> {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }))).click();
    await settle();
  }

  /** Lets the fake SDK's promises resolve and the view update. */
  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  function alertText(): string {
    const alert = (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]');
    return alert?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
  }

  /** Title lines of the saved profiles, in display order. */
  async function profileTitles(): Promise<string[]> {
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    return Array.from(element.querySelectorAll('.kpc-profile-title'), (title) =>
      (title.textContent ?? '').trim(),
    );
  }

  /** The "Use" button of the n-th saved profile (1-based). */
  function useButton(n: number): Promise<MatButtonHarness> {
    return loader.getHarness(
      MatButtonHarness.with({ text: 'Use', ancestor: `.kpc-profile:nth-child(${n})` }),
    );
  }

  async function summaryText(): Promise<string | null> {
    const cards = await loader.getAllHarnesses(MatCardHarness.with({ title: 'Signed in' }));
    return cards.length ? (await cards[0].getText()).replace(/\s+/g, ' ') : null;
  }

  beforeEach(() => {
    browser = createTestBrowser();
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  describe('served by the local server', () => {
    it('offers "This local server" pre-filled with the demo app and signs in as its admin', async () => {
      await render(LOCAL_INFO);
      const select = await loader.getHarness(MatSelectHarness);
      expect(await select.getValueText()).toBe('This local server');
      expect(await (await field('App ID')).getValue()).toBe('demoapp');
      expect(await (await field('Client ID')).getValue()).toBe('demo-client-id');
      expect(await (await field('Client secret')).getValue()).toBe('demo-client-secret');

      await submit();

      expect(browser.sdk.site).toEqual({
        appId: 'demoapp',
        appKey: 'demoappkey',
        baseUrl: 'http://127.0.0.1:8080/api',
      });
      const summary = await summaryText();
      expect(summary).toContain('App admin demo-client-id');
      expect(summary).toContain('demoapp');
      expect(summary).toContain('This local server');
      expect(summary).toContain('Does not expire');
      expect(alertText()).toBe('');

      expect(await profileTitles()).toEqual(['demoapp · This local server']);
    });

    it('shows the server version', async () => {
      await render(LOCAL_INFO);
      expect((fixture.nativeElement as HTMLElement).textContent).toContain('(version 0.1.0)');
    });
  });

  describe('not served by the local server', () => {
    it('offers only Kii Cloud sites and a custom base URL, with an empty form', async () => {
      await render('absent');
      const select = await loader.getHarness(MatSelectHarness);
      await select.open();
      const options = await Promise.all((await select.getOptions()).map((o) => o.getText()));
      expect(options).toEqual(['United States', 'Japan', 'Singapore', 'Europe', 'Custom base URL']);
      await select.close();
      expect(await select.getValueText()).toBe('United States');
      expect(await (await field('App ID')).getValue()).toBe('');
    });

    it('shows the base URL of the chosen Kii Cloud site', async () => {
      await render('absent');
      await chooseSite('Japan');
      const site = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Site' }));
      expect(await site.getTextHints()).toEqual(['https://api-jp.kii.com/api']);
    });
  });

  it('signs in as a user on a custom base URL', async () => {
    await render('absent');
    expect(await loader.getAllHarnesses(MatFormFieldHarness.with({ floatingLabelText: 'Base URL' })))
      .withContext('base URL only for the custom site')
      .toEqual([]);
    await chooseSite('Custom base URL');
    await chooseKind('User');
    await fill({
      'Base URL': 'https://kii.example.com/api/',
      'App ID': 'demoapp',
      'App key': 'demoappkey',
      Username: 'alice',
      Password: 'alice-pass',
    });
    await submit();

    expect(browser.sdk.site?.baseUrl).toBe('https://kii.example.com/api');
    expect(browser.sdk.calls).toContain('KiiUser.authenticate alice alice-pass');
    const summary = await summaryText();
    expect(summary).toContain('User alice');
    expect(summary).toContain('user-alice-id');
    expect(summary).toContain('Custom base URL');
    expect(summary).not.toContain('Does not expire');
  });

  it('signs in as a thing with its vendor thing ID', async () => {
    await render('absent');
    await chooseKind('Thing');
    await fill({
      'App ID': 'demoapp',
      'App key': 'demoappkey',
      'Vendor thing ID': 'sensor-1',
      Password: 'thing-pass',
    });
    await submit();
    expect(browser.sdk.site?.baseUrl).toBe('https://api.kii.com/api');
    expect(await summaryText()).toContain('Thing sensor-1 (th.sensor-1-id)');
  });

  describe('errors', () => {
    beforeEach(async () => {
      await render(LOCAL_INFO);
    });

    it('says to check the client ID and secret when the admin is refused', async () => {
      await fill({ 'Client secret': 'wrong' });
      await submit();
      expect(alertText()).toContain('Check the client ID and secret.');
      expect(alertText()).toContain('invalid_grant');
      expect(await summaryText()).toBeNull();
    });

    it('says to check the username and password when a user is refused', async () => {
      await chooseKind('User');
      await fill({ Username: 'alice', Password: 'wrong-password' });
      await submit();
      expect(alertText()).toContain('Check the username and password.');
    });

    it('says to check the vendor thing ID and password when a thing is refused', async () => {
      await chooseKind('Thing');
      await fill({ 'Vendor thing ID': 'sensor-1', Password: 'wrong' });
      await submit();
      expect(alertText()).toContain('Check the vendor thing ID and password.');
    });

    it('says to check the app ID and site for an unknown app', async () => {
      await fill({ 'App ID': 'nosuchapp' });
      await submit();
      expect(alertText()).toContain('Check the app ID and the site.');
      expect(alertText()).toContain('APP_NOT_FOUND');
      expect(alertText()).toContain('HTTP 404');
    });

    it('says to check the base URL when the site does not answer', async () => {
      browser.sdk.reachable = false;
      await submit();
      expect(alertText()).toContain('Check the base URL, or that the server is running.');
    });

    it('clears the error on the next successful sign-in', async () => {
      await fill({ 'Client secret': 'wrong' });
      await submit();
      expect(alertText()).not.toBe('');
      await fill({ 'Client secret': 'demo-client-secret' });
      await submit();
      expect(alertText()).toBe('');
      expect(await summaryText()).not.toBeNull();
    });
  });

  it('asks for missing values instead of calling the SDK', async () => {
    await render('absent');
    await submit();
    const appId = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'App ID' }));
    expect(await appId.getTextErrors()).toEqual(['Enter the app ID.']);
    expect(browser.sdk.calls).toEqual([]);
  });

  it('rejects a custom base URL that is not http(s)', async () => {
    await render('absent');
    await chooseSite('Custom base URL');
    await fill({ 'Base URL': 'ftp://example.com' });
    await submit();
    const baseUrl = await loader.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Base URL' }),
    );
    expect(await baseUrl.getTextErrors()).toEqual(['Enter an http:// or https:// URL.']);
  });

  it('shows progress and ignores a second submit while signing in', async () => {
    await render(LOCAL_INFO);
    let finish!: (admin: SdkAdminContext) => void;
    const pending = spyOn(browser.sdk.Kii, 'authenticateAsAppAdmin').and.returnValue(
      new Promise<SdkAdminContext>((resolve) => (finish = resolve)),
    );
    const button = await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }));
    await button.click();
    expect(await button.isDisabled()).toBeTrue();
    expect(await loader.getAllHarnesses(MatProgressBarHarness)).toHaveSize(1);

    finish({ getAccessToken: () => 'token-x' });
    await settle();
    expect(pending).toHaveBeenCalledTimes(1);
    expect(await button.isDisabled()).toBeFalse();
    expect(await loader.getAllHarnesses(MatProgressBarHarness)).toHaveSize(0);
    expect(await summaryText()).toContain('demo-client-id');
  });

  it('clears the credentials when the sign-in kind changes', async () => {
    await render(LOCAL_INFO);
    await chooseKind('User');
    expect(await (await field('Username')).getValue()).toBe('');
    expect(await (await field('Password')).getValue()).toBe('');
    expect(await (await field('App ID')).getValue()).toBe('demoapp');
  });

  it('reveals the typed secret on request', async () => {
    await render(LOCAL_INFO);
    const secret = await field('Client secret');
    expect(await secret.getType()).toBe('password');
    await (await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Show secret"]' }))).click();
    expect(await secret.getType()).toBe('text');
  });

  describe('saved profiles', () => {
    const japanUser = savedProfile({
      site: 'jp',
      baseUrl: 'https://api-jp.kii.com/api',
      appId: 'jpapp',
      appKey: 'jpkey',
      kind: 'user',
      login: 'bob',
      lastUsedAt: 2000,
    });
    const remembered = savedProfile({
      site: 'local',
      baseUrl: 'http://127.0.0.1:8080/api',
      appId: 'demoapp',
      appKey: 'demoappkey',
      kind: 'thing',
      login: 'sensor-1',
      secret: 'thing-pass',
      lastUsedAt: 1000,
    });

    beforeEach(() => {
      browser.localStorage.setItem(PROFILES_STORAGE_KEY, JSON.stringify([remembered, japanUser]));
    });

    it('lists them, most recent first, and fills the form with the latest', async () => {
      await render('absent');
      expect(await profileTitles()).toEqual(['jpapp · Japan', 'demoapp · This local server']);
      const lines = (fixture.nativeElement as HTMLElement).querySelectorAll('.kpc-profile-line');
      expect(lines[0].textContent).not.toContain('secret remembered');
      expect(lines[1].textContent?.replace(/\s+/g, ' ').trim()).toBe(
        'Thing: sensor-1 · secret remembered',
      );
      expect(await (await loader.getHarness(MatSelectHarness)).getValueText()).toBe('Japan');
      expect(await (await field('Username')).getValue()).toBe('bob');
      expect(await (await field('Password')).getValue()).toBe('');
    });

    it('fills the form from the chosen profile, remembered secret included', async () => {
      await render(LOCAL_INFO);
      await (await useButton(2)).click();
      expect(await (await field('Vendor thing ID')).getValue()).toBe('sensor-1');
      expect(await (await field('Password')).getValue()).toBe('thing-pass');
      expect(
        await (await loader.getHarness(MatCheckboxHarness.with({ label: /Remember/ }))).isChecked(),
      ).toBeTrue();
      await submit();
      expect(await summaryText()).toContain('Thing sensor-1');
    });

    it('forgets a profile', async () => {
      await render('absent');
      await (
        await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Forget jpapp bob"]' }))
      ).click();
      expect(await profileTitles()).toEqual(['demoapp · This local server']);
      expect(browser.localStorage.getItem(PROFILES_STORAGE_KEY)).not.toContain('jpapp');
    });

    it('remembers the secret only when asked', async () => {
      await render(LOCAL_INFO);
      await (await useButton(2)).click();
      await (await loader.getHarness(MatCheckboxHarness.with({ label: /Remember/ }))).uncheck();
      await submit();
      expect(browser.localStorage.getItem(PROFILES_STORAGE_KEY)).not.toContain('thing-pass');
    });
  });

  it('after a reload keeps the session and the profile, but not the secret', async () => {
    await render(LOCAL_INFO);
    await submit();
    TestBed.inject(HttpTestingController).verify();
    TestBed.resetTestingModule();

    await render(LOCAL_INFO);
    expect(await summaryText()).toContain('App admin demo-client-id');
    expect(await (await field('Client ID')).getValue()).toBe('demo-client-id');
    expect(await (await field('Client secret')).getValue()).toBe('');
  });

  it('signs out from the summary card and keeps the profile', async () => {
    await render(LOCAL_INFO);
    await submit();
    expect(await summaryText()).not.toBeNull();
    await (await loader.getHarness(MatButtonHarness.with({ text: /Sign out/ }))).click();
    expect(await summaryText()).toBeNull();
    expect(browser.sessionStorage.length).toBe(0);
    expect(await profileTitles()).toEqual(['demoapp · This local server']);
  });

  it('binds server-provided names as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    browser.localStorage.setItem(
      PROFILES_STORAGE_KEY,
      JSON.stringify([
        savedProfile({
          site: 'us',
          baseUrl: 'https://api.kii.com/api',
          appId: hostile,
          appKey: 'k',
          kind: 'admin',
          login: 'x',
          lastUsedAt: 1,
        }),
      ]),
    );
    await render('absent');
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('img')).toBeNull();
    expect(element.textContent).toContain(hostile);
  });
});
