import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentProviders, Provider, provideZonelessChangeDetection } from '@angular/core';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';

import { BROWSER_LOCATION, LOCAL_STORAGE, SESSION_STORAGE } from '../app/core/browser';
import { FakeBrowserLocation } from './fake-browser-location';
import { FakeKiiSdk, provideFakeKiiSdk } from './fake-kii-sdk';
import { MemoryStorage } from './memory-storage';

/** The fakes one spec works with; reach them to arrange and to assert. */
export interface TestBrowser {
  readonly sdk: FakeKiiSdk;
  readonly localStorage: MemoryStorage;
  readonly sessionStorage: MemoryStorage;
  readonly location: FakeBrowserLocation;
}

/** Fresh fakes: the demo app in the SDK, empty storages, a page at /en/connect. */
export function createTestBrowser(overrides: Partial<TestBrowser> = {}): TestBrowser {
  return {
    sdk: FakeKiiSdk.withDemoApp(),
    localStorage: new MemoryStorage(),
    sessionStorage: new MemoryStorage(),
    location: new FakeBrowserLocation(),
    ...overrides,
  };
}

/**
 * Providers every console spec shares (the karma builder has no providers file): zoneless,
 * no animations, HttpClient against HttpTestingController, and the browser and SDK fakes.
 */
export function provideTestBrowser(browser: TestBrowser): (Provider | EnvironmentProviders)[] {
  return [
    provideZonelessChangeDetection(),
    { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
    provideHttpClient(),
    provideHttpClientTesting(),
    provideFakeKiiSdk(browser.sdk),
    { provide: LOCAL_STORAGE, useValue: browser.localStorage },
    { provide: SESSION_STORAGE, useValue: browser.sessionStorage },
    { provide: BROWSER_LOCATION, useValue: browser.location },
  ];
}
