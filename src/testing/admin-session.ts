import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { SessionStore } from '../app/core/session';

/** The base URL the admin session of `signInAsAdmin` uses. */
export const TEST_BASE_URL = 'http://127.0.0.1:8080/api';
/** `{base}/apps/demoapp`: where KiiRest requests of that session go. */
export const TEST_APP_URL = `${TEST_BASE_URL}/apps/demoapp`;

/** Signs the demo app's admin in through the fake SDK (TestBed must be configured). */
export async function signInAsAdmin(): Promise<void> {
  await firstValueFrom(
    TestBed.inject(SessionStore).signIn$({
      site: 'local',
      baseUrl: TEST_BASE_URL,
      appId: 'demoapp',
      appKey: 'demoappkey',
      credentials: {
        kind: 'admin',
        clientId: 'demo-client-id',
        clientSecret: 'demo-client-secret',
      },
      rememberSecret: false,
    }),
  );
}

/** Signs the demo app's user alice in (for pages that need the app admin). */
export async function signInAsUser(): Promise<void> {
  await firstValueFrom(
    TestBed.inject(SessionStore).signIn$({
      site: 'local',
      baseUrl: TEST_BASE_URL,
      appId: 'demoapp',
      appKey: 'demoappkey',
      credentials: { kind: 'user', username: 'alice', password: 'alice-pass' },
      rememberSecret: false,
    }),
  );
}
