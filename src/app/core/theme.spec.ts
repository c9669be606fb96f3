import { TestBed } from '@angular/core/testing';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { THEME_STORAGE_KEY, ThemeStore } from './theme';

describe('ThemeStore', () => {
  let browser: TestBrowser;
  const root = document.documentElement;

  function create(): ThemeStore {
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    return TestBed.inject(ThemeStore);
  }

  beforeEach(() => {
    browser = createTestBrowser();
  });

  afterEach(() => root.classList.remove('kpc-theme-light', 'kpc-theme-dark'));

  it('follows the system by default', () => {
    expect(create().choice()).toBe('system');
    expect(root.classList).not.toContain('kpc-theme-dark');
    expect(root.classList).not.toContain('kpc-theme-light');
  });

  it('pins dark, remembers it, and goes back to the system', () => {
    const store = create();
    store.choose('dark');
    expect(root.classList).toContain('kpc-theme-dark');
    expect(getComputedStyle(root).colorScheme).toBe('dark');
    expect(browser.localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');

    store.choose('system');
    expect(root.classList).not.toContain('kpc-theme-dark');
    expect(browser.localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
  });

  it('applies the remembered choice on start', () => {
    browser.localStorage.setItem(THEME_STORAGE_KEY, 'light');
    expect(create().choice()).toBe('light');
    expect(root.classList).toContain('kpc-theme-light');
  });

  it('ignores an unknown stored value', () => {
    browser.localStorage.setItem(THEME_STORAGE_KEY, 'sepia');
    expect(create().choice()).toBe('system');
  });
});
