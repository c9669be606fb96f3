import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { SessionStore } from '../app/core/session';
import { TEST_BASE_URL } from './admin-session';

/** Signs the fake demo app's thing sensor-1 in (its thing ID is `th.sensor-1-id`). */
export async function signInAsThing(): Promise<void> {
  await firstValueFrom(
    TestBed.inject(SessionStore).signIn$({
      site: 'local',
      baseUrl: TEST_BASE_URL,
      appId: 'demoapp',
      appKey: 'demoappkey',
      credentials: { kind: 'thing', vendorThingId: 'sensor-1', password: 'thing-pass' },
      rememberSecret: false,
    }),
  );
}

/** Lets the fake SDK's promises (and zero-delay timers) settle. */
export const settle = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
