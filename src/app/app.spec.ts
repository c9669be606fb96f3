import { BreakpointObserver, BreakpointState } from '@angular/cdk/layout';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { LOCALE_ID, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatNavListHarness } from '@angular/material/list/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { MatSidenavHarness } from '@angular/material/sidenav/testing';
import { Router, provideRouter } from '@angular/router';
import { BehaviorSubject, firstValueFrom } from 'rxjs';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../testing/test-providers';
import { App } from './app';
import { routes } from './app.routes';
import { LOCALE_STORAGE_KEY } from './core/locale';
import { LocalServer } from './core/local-server';
import { SessionStore } from './core/session';
import { THEME_STORAGE_KEY } from './core/theme';

describe('App shell', () => {
  let browser: TestBrowser;
  let fixture: ComponentFixture<App>;
  let loader: HarnessLoader;
  let layout: BehaviorSubject<BreakpointState>;

  async function render(options: { narrow?: boolean; locale?: string } = {}): Promise<void> {
    layout = new BehaviorSubject<BreakpointState>({ matches: !!options.narrow, breakpoints: {} });
    TestBed.configureTestingModule({
      imports: [App],
      providers: [
        ...provideTestBrowser(browser),
        provideRouter(routes),
        { provide: LOCALE_ID, useValue: options.locale ?? 'en' },
        { provide: BreakpointObserver, useValue: { observe: () => layout } },
        // The Connect page's discovery request is covered by its own spec.
        { provide: LocalServer, useValue: { info: signal(null), baseUrl: '' } },
      ],
    });
    fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  function text(): string {
    return ((fixture.nativeElement as HTMLElement).textContent ?? '').replace(/\s+/g, ' ');
  }

  beforeEach(() => {
    browser = createTestBrowser();
    document.cookie = `${LOCALE_STORAGE_KEY}=; path=/; max-age=0`;
  });

  afterEach(() => {
    document.cookie = `${LOCALE_STORAGE_KEY}=; path=/; max-age=0`;
    document.documentElement.classList.remove('kpc-theme-light', 'kpc-theme-dark');
  });

  it('shows the product name and that nobody is signed in', async () => {
    await render();
    expect(text()).toContain('Kii Push Console');
    expect(text()).toContain('Not signed in');
  });

  it('lists only the areas that exist in the side navigation', async () => {
    await render();
    const nav = await loader.getHarness(MatNavListHarness);
    const items = await nav.getItems();
    const titles = await Promise.all(items.map((item) => item.getTitle()));
    expect(titles[0]).toBe('Connect');
    expect(titles).toContain('Compose push');
    expect(titles).toContain('Topics');
    expect(await items[0].getHref()).toBe('/connect');
  });

  it('opens the Connect page by default, lazily', async () => {
    await render();
    await TestBed.inject(Router).navigateByUrl('/');
    await fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/connect');
    expect(text()).toContain('Sign in to a Kii app');
    const items = await (await loader.getHarness(MatNavListHarness)).getItems();
    expect(await items[0].isActivated()).toBeTrue();
  });

  it('shows the signed-in principal and app in the toolbar', async () => {
    await render();
    await firstValueFrom(
      TestBed.inject(SessionStore).signIn$({
        site: 'local',
        baseUrl: 'http://127.0.0.1:8080/api',
        appId: 'demoapp',
        appKey: 'demoappkey',
        credentials: { kind: 'user', username: 'alice', password: 'alice-pass' },
        rememberSecret: false,
      }),
    );
    await fixture.whenStable();
    expect(text()).toMatch(/Signed in as\s*User alice · demoapp/);
    expect(text()).not.toContain('Not signed in');
  });

  describe('language menu', () => {
    it('offers English and 日本語 and switches to the same page in Japanese', async () => {
      browser.location.pathname = '/en/connect';
      await render({ locale: 'en' });
      const menu = await loader.getHarness(MatMenuHarness.with({ triggerText: /English/ }));
      await menu.open();
      const items = await menu.getItems();
      expect(await Promise.all(items.map((item) => item.getText()))).toEqual([
        'checkEnglish',
        '日本語',
      ]);
      await menu.clickItem({ text: /日本語/ });

      expect(browser.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('ja');
      expect(document.cookie).toContain('kpc-locale=ja');
      expect(browser.location.assigned).toEqual(['/ja/connect']);
    });

    it('switches back to English from the Japanese build', async () => {
      browser.location.pathname = '/ja/connect';
      await render({ locale: 'ja' });
      const menu = await loader.getHarness(MatMenuHarness.with({ triggerText: /日本語/ }));
      await menu.clickItem({ text: /English/ });
      expect(document.cookie).toContain('kpc-locale=en');
      expect(browser.location.assigned).toEqual(['/en/connect']);
    });
  });

  it('switches the theme from the toolbar and remembers it', async () => {
    await render();
    const menu = await loader.getHarness(MatMenuHarness.with({ ancestor: 'kpc-theme-menu' }));
    await menu.clickItem({ text: /Dark/ });
    expect(document.documentElement.classList).toContain('kpc-theme-dark');
    expect(browser.localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    await menu.clickItem({ text: /Follow the system/ });
    expect(document.documentElement.classList).not.toContain('kpc-theme-dark');
  });

  describe('on a narrow screen', () => {
    it('hides the navigation behind a menu button and closes it after navigating', async () => {
      await render({ narrow: true });
      const sidenav = await loader.getHarness(MatSidenavHarness);
      expect(await sidenav.isOpen()).toBeFalse();
      expect(await sidenav.getMode()).toBe('over');

      await (await loader.getHarness(MatButtonHarness.with({ iconName: 'menu' }))).click();
      expect(await sidenav.isOpen()).toBeTrue();

      const items = await (await loader.getHarness(MatNavListHarness)).getItems();
      await items[0].click();
      await fixture.whenStable();
      expect(await sidenav.isOpen()).toBeFalse();
    });

    it('keeps the navigation open beside the page on a wide screen', async () => {
      await render({ narrow: false });
      const sidenav = await loader.getHarness(MatSidenavHarness);
      expect(await sidenav.isOpen()).toBeTrue();
      expect(await sidenav.getMode()).toBe('side');
      expect(await loader.getAllHarnesses(MatButtonHarness.with({ iconName: 'menu' }))).toEqual([]);
    });
  });
});
