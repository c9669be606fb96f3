import { TestBed } from '@angular/core/testing';

import { FakeKiiSdk, provideFakeKiiSdk } from '../../testing/fake-kii-sdk';
import { KII_SDK, provideKiiSdk } from './kii-sdk';
import { KII_CLOUD_SITES } from './kii-site';

// The test build loads node_modules/kii-cloud-sdk/KiiSDK.js like the app build does.
describe('provideKiiSdk', () => {
  it('reads the Kii SDK globals from window', () => {
    TestBed.configureTestingModule({ providers: [provideKiiSdk()] });
    const sdk = TestBed.inject(KII_SDK);
    expect(sdk.Kii.getSDKVersion()).toBe('2.4.19');
    expect(typeof sdk.KiiUser.authenticate).toBe('function');
    expect(typeof sdk.Kii.authenticateAsThing).toBe('function');
  });

  it("agrees with the SDK's own KiiSite base URLs", () => {
    const sdkSites = (window as unknown as { KiiSite: Record<string, string> }).KiiSite;
    expect(KII_CLOUD_SITES.us).toBe(sdkSites['US']);
    expect(KII_CLOUD_SITES.jp).toBe(sdkSites['JP']);
    expect(KII_CLOUD_SITES.sg).toBe(sdkSites['SG']);
    expect(KII_CLOUD_SITES.eu).toBe(sdkSites['EU']);
  });

  it('initialises the real SDK with a base URL that getBaseURL returns verbatim', () => {
    TestBed.configureTestingModule({ providers: [provideKiiSdk()] });
    const { Kii } = TestBed.inject(KII_SDK);
    Kii.initializeWithSite('app', 'key', 'http://127.0.0.1:9/api');
    expect(Kii.getBaseURL()).toBe('http://127.0.0.1:9/api');
    expect(Kii.getAppID()).toBe('app');
  });

  it('is replaced by a fake with one provider', () => {
    const fake = new FakeKiiSdk();
    TestBed.configureTestingModule({ providers: [provideKiiSdk(), provideFakeKiiSdk(fake)] });
    expect(TestBed.inject(KII_SDK)).toBe(fake);
  });
});
