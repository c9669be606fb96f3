import { LOCALE_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { FakeBrowserLocation } from '../../testing/fake-browser-location';
import { LOCALE_STORAGE_KEY, LocaleSwitch, consoleLocaleOf, localizedUrl } from './locale';

function clearCookie(): void {
  document.cookie = `${LOCALE_STORAGE_KEY}=; path=/; max-age=0`;
}

describe('localizedUrl', () => {
  const at = (pathname: string, search = '', hash = '') => ({ pathname, search, hash });

  it('swaps the locale prefix and keeps route, query and fragment', () => {
    expect(localizedUrl(at('/en/connect', '?a=1', '#x'), 'ja')).toBe('/ja/connect?a=1#x');
    expect(localizedUrl(at('/ja/connect'), 'en')).toBe('/en/connect');
  });

  it('handles the bare locale root', () => {
    expect(localizedUrl(at('/en/'), 'ja')).toBe('/ja/');
    expect(localizedUrl(at('/en'), 'ja')).toBe('/ja/');
  });

  it('adds a prefix to paths without one (the dev server)', () => {
    expect(localizedUrl(at('/connect'), 'ja')).toBe('/ja/connect');
    expect(localizedUrl(at('/'), 'en')).toBe('/en/');
  });

  it('does not mistake a route starting with the letters of a locale for a prefix', () => {
    expect(localizedUrl(at('/english/page'), 'ja')).toBe('/ja/english/page');
  });
});

describe('consoleLocaleOf', () => {
  it('maps LOCALE_IDs to the two console locales', () => {
    expect(consoleLocaleOf('ja')).toBe('ja');
    expect(consoleLocaleOf('ja-JP')).toBe('ja');
    expect(consoleLocaleOf('en-US')).toBe('en');
    expect(consoleLocaleOf('en')).toBe('en');
  });
});

describe('LocaleSwitch', () => {
  let browser: TestBrowser;

  function create(localeId: string): LocaleSwitch {
    TestBed.configureTestingModule({
      providers: [...provideTestBrowser(browser), { provide: LOCALE_ID, useValue: localeId }],
    });
    return TestBed.inject(LocaleSwitch);
  }

  beforeEach(() => {
    clearCookie();
    browser = createTestBrowser({
      location: new FakeBrowserLocation('http://127.0.0.1:8080', '/en/connect', '?x=1'),
    });
  });

  afterEach(clearCookie);

  it('knows the running language and the other URL', () => {
    const locales = create('en');
    expect(locales.current).toBe('en');
    expect(locales.urlFor('ja')).toBe('/ja/connect?x=1');
  });

  it('remembers the choice in localStorage and a cookie, then loads the other build', () => {
    create('en').switchTo('ja');
    expect(browser.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('ja');
    expect(document.cookie).toContain(`${LOCALE_STORAGE_KEY}=ja`);
    expect(browser.location.assigned).toEqual(['/ja/connect?x=1']);
  });

  it('only remembers when the chosen language is already running', () => {
    create('ja').switchTo('ja');
    expect(browser.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('ja');
    expect(browser.location.assigned).toEqual([]);
  });

  it('still sets the cookie and navigates when localStorage is unavailable', () => {
    spyOn(browser.localStorage, 'setItem').and.throwError('SecurityError');
    create('ja').switchTo('en');
    expect(document.cookie).toContain(`${LOCALE_STORAGE_KEY}=en`);
    expect(browser.location.assigned).toEqual(['/en/connect?x=1']);
  });
});
