/// <reference types="kii-cloud-sdk" />
import { createRequire } from 'node:module';
import type { TestServer } from './test-server';

/**
 * The official SDK's classes as one `create()` call returns them. The typings are for 2.4.6
 * (docs/kii-api.md, toolchain notes); the few gaps are cast where used.
 */
export interface KiiSdk {
  Kii: typeof KiiCloud.Kii;
  KiiUser: typeof KiiCloud.KiiUser;
  KiiThing: typeof KiiCloud.KiiThing;
  KiiPushMessageBuilder: typeof KiiCloud.KiiPushMessageBuilder;
  KiiErrorParser: { parse(error: unknown): { status: number; code: string; message: string } };
}

const require = createRequire(import.meta.url);

/**
 * A fresh, unmodified `kii-cloud-sdk` 2.4.19 instance (its own current user and settings)
 * pointed at the test server, exactly as an app would: `Kii.initializeWithSite(id, key, url)`.
 * In Node the SDK brings its own XMLHttpRequest (the `xmlhttprequest` package); no shim needed.
 */
export function loadKiiSdk(server: TestServer): KiiSdk {
  const sdk = (require('kii-cloud-sdk') as { create(): KiiSdk }).create();
  // The typings declare KiiSite a number enum; the SDK takes the base URL as the site.
  sdk.Kii.initializeWithSite(
    server.config.appId,
    server.config.appKey,
    server.baseUrl as unknown as KiiCloud.KiiSite,
  );
  return sdk;
}
