import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import {
  ConnectPageHarness,
  LOCAL_INFO,
  renderConnectPage,
} from '../../testing/connect-page-harness';
import { TestBrowser, createTestBrowser } from '../../testing/test-providers';
import { PROFILES_STORAGE_KEY, SavedProfile, profileKey } from '../core/profiles';

function savedProfile(input: Omit<SavedProfile, 'key'>): SavedProfile {
  return { ...input, key: profileKey(input) };
}

const JAPAN_USER = savedProfile({
  site: 'jp',
  baseUrl: 'https://api-jp.kii.com/api',
  appId: 'jpapp',
  appKey: 'jpkey',
  kind: 'user',
  login: 'bob',
  lastUsedAt: 2000,
});

const REMEMBERED_THING = savedProfile({
  site: 'local',
  baseUrl: 'http://127.0.0.1:8080/api',
  appId: 'demoapp',
  appKey: 'demoappkey',
  kind: 'thing',
  login: 'sensor-1',
  secret: 'thing-pass',
  lastUsedAt: 1000,
});

describe('ConnectPage saved profiles', () => {
  let browser: TestBrowser;
  let page: ConnectPageHarness;

  async function render(info: typeof LOCAL_INFO | 'absent'): Promise<void> {
    ({ page } = await renderConnectPage(browser, info));
  }

  beforeEach(() => {
    browser = createTestBrowser();
    browser.localStorage.setItem(
      PROFILES_STORAGE_KEY,
      JSON.stringify([REMEMBERED_THING, JAPAN_USER]),
    );
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists them, most recent first, and fills the form with the latest', async () => {
    await render('absent');
    expect(await page.profileTitles()).toEqual(['jpapp · Japan', 'demoapp · This local server']);
    expect(await page.profileLines()).toEqual(['User: bob', 'Thing: sensor-1 · secret remembered']);
    expect(await page.site()).toBe('Japan');
    expect(await page.value('Username')).toBe('bob');
    expect(await page.value('Password')).toBe('');
  });

  it('prefers the latest profile to the local demo app', async () => {
    await render(LOCAL_INFO);
    expect(await page.site()).toBe('Japan');
    expect(await page.value('Username')).toBe('bob');
  });

  it('fills the form from the chosen profile, remembered secret included', async () => {
    await render(LOCAL_INFO);
    await page.useProfile(2);
    expect(await page.site()).toBe('This local server');
    expect(await page.value('Vendor thing ID')).toBe('sensor-1');
    expect(await page.value('Password')).toBe('thing-pass');
    expect(await (await page.rememberSecret()).isChecked()).toBeTrue();
    await page.submit();
    expect(await page.summaryText()).toContain('Thing sensor-1');
  });

  it('forgets a profile and its remembered secret', async () => {
    await render('absent');
    await page.forgetProfile('Forget demoapp sensor-1');
    expect(await page.profileTitles()).toEqual(['jpapp · Japan']);
    expect(browser.localStorage.getItem(PROFILES_STORAGE_KEY)).not.toContain('thing-pass');
  });

  it('stops remembering a secret when the box is cleared', async () => {
    await render(LOCAL_INFO);
    await page.useProfile(2);
    await (await page.rememberSecret()).uncheck();
    await page.submit();
    expect(await page.summaryText()).not.toBeNull();
    expect(browser.localStorage.getItem(PROFILES_STORAGE_KEY)).not.toContain('thing-pass');
  });

  it('starts remembering a secret when the box is ticked', async () => {
    await render(LOCAL_INFO);
    await page.chooseKind('User');
    await page.fill({ 'App ID': 'demoapp', 'App key': 'demoappkey' });
    await page.chooseSite('This local server');
    await page.fill({ Username: 'alice', Password: 'alice-pass' });
    await (await page.rememberSecret()).check();
    await page.submit();
    expect(await page.profileLines()).toContain('User: alice · secret remembered');
  });
});

describe('ConnectPage after a reload', () => {
  it('keeps the session and the profile, but not the secret', async () => {
    const browser = createTestBrowser();
    let { page } = await renderConnectPage(browser, LOCAL_INFO);
    await page.submit();
    expect(await page.summaryText()).not.toBeNull();
    TestBed.inject(HttpTestingController).verify();
    TestBed.resetTestingModule();

    ({ page } = await renderConnectPage(browser, LOCAL_INFO));
    expect(await page.summaryText()).toContain('App admin demo-client-id');
    expect(await page.value('Client ID')).toBe('demo-client-id');
    expect(await page.value('Client secret')).toBe('');
    TestBed.inject(HttpTestingController).verify();
  });
});
