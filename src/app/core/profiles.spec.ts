import { TestBed } from '@angular/core/testing';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { PROFILES_STORAGE_KEY, ProfileInput, ProfileStore } from './profiles';

const PROFILE: ProfileInput = {
  site: 'jp',
  baseUrl: 'https://api-jp.kii.com/api',
  appId: 'app1',
  appKey: 'key1',
  kind: 'admin',
  login: 'client-1',
  lastUsedAt: 1000,
};

describe('ProfileStore', () => {
  let browser: TestBrowser;

  function create(): ProfileStore {
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    return TestBed.inject(ProfileStore);
  }

  beforeEach(() => {
    browser = createTestBrowser();
  });

  it('saves profiles to localStorage, most recent first', () => {
    const store = create();
    store.save(PROFILE);
    store.save({ ...PROFILE, appId: 'app2', lastUsedAt: 2000 });
    expect(store.profiles().map((p) => p.appId)).toEqual(['app2', 'app1']);

    TestBed.resetTestingModule();
    expect(
      create()
        .profiles()
        .map((p) => p.appId),
    ).toEqual(['app2', 'app1']);
  });

  it('replaces the profile with the same app, site and login', () => {
    const store = create();
    store.save({ ...PROFILE, secret: 'old' });
    store.save({ ...PROFILE, lastUsedAt: 5000 });
    expect(store.profiles().length).toBe(1);
    expect(store.profiles()[0].lastUsedAt).toBe(5000);
    expect(store.profiles()[0].secret).toBeUndefined();
    expect(browser.localStorage.getItem(PROFILES_STORAGE_KEY)).not.toContain('old');
  });

  it('keeps separate profiles per principal of the same app', () => {
    const store = create();
    store.save(PROFILE);
    store.save({ ...PROFILE, kind: 'user', login: 'alice' });
    expect(store.profiles().length).toBe(2);
  });

  it('forgets a profile', () => {
    const store = create();
    const saved = store.save(PROFILE);
    store.remove(saved.key);
    expect(store.profiles()).toEqual([]);
    expect(JSON.parse(browser.localStorage.getItem(PROFILES_STORAGE_KEY)!)).toEqual([]);
  });

  it('starts empty when the stored value is not a profile list', () => {
    browser.localStorage.setItem(PROFILES_STORAGE_KEY, '[{"appId": 3}]');
    expect(create().profiles()).toEqual([]);
  });

  it('keeps working in memory when storage refuses writes', () => {
    spyOn(browser.localStorage, 'setItem').and.throwError('QuotaExceededError');
    const store = create();
    store.save(PROFILE);
    expect(store.profiles().length).toBe(1);
  });
});
