import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { LOCAL_INFO_PATH } from '../app/core/local-server';
import { Credentials } from '../app/core/principal';
import { SessionStore } from '../app/core/session';
import { Installation } from '../app/core/kii/installation';
import { KnownInstallation } from '../app/installations/installation-catalog';
import { TEST_BASE_URL } from './admin-session';
import { LOCAL_INFO } from './connect-page-harness';

/** A Kii Cloud site: no listing there, the page shows the installations known here. */
export const CLOUD_BASE_URL = 'https://api-jp.kii.com/api';
export const CLOUD_APP_URL = `${CLOUD_BASE_URL}/apps/demoapp`;

export const ADMIN: Credentials = {
  kind: 'admin',
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
};
export const ALICE_LOGIN: Credentials = { kind: 'user', username: 'alice', password: 'alice-pass' };

/** Signs in through the fake SDK at the local server (TEST_BASE_URL) or at Kii Cloud. */
export async function signInAt(
  where: 'local' | 'cloud',
  credentials: Credentials = ADMIN,
): Promise<void> {
  await firstValueFrom(
    TestBed.inject(SessionStore).signIn$({
      site: where === 'local' ? 'local' : 'jp',
      baseUrl: where === 'local' ? TEST_BASE_URL : CLOUD_BASE_URL,
      appId: 'demoapp',
      appKey: 'demoappkey',
      credentials,
      rememberSecret: false,
    }),
  );
}

/** Answers the local server's discovery: this console is (or is not) served by it. */
export function answerDiscovery(http: HttpTestingController, local: boolean): void {
  const request = http.expectOne(`http://127.0.0.1:8080/api${LOCAL_INFO_PATH}`);
  if (local) request.flush(LOCAL_INFO);
  else request.flush('Not Found', { status: 404, statusText: 'Not Found' });
}

/** An installation row for arranging tables and catalogs. */
export function installationRow(n: number, init: Partial<Installation> = {}): Installation {
  return {
    installationID: `inst-${n}`,
    registrationID: `reg-${n}`,
    deviceType: 'MQTT',
    development: false,
    owner: { kind: 'user', id: `user-${n}`, name: `user${n}` },
    createdAt: Date.UTC(2026, 0, 1) + n * 60_000,
    ...init,
  };
}

/** The same row, as the catalog keeps it. */
export function knownRow(n: number, init: Partial<KnownInstallation> = {}): KnownInstallation {
  return { ...installationRow(n), source: 'installed', ...init };
}

/** What `GET /installations/{id}` answers for a row. */
export function installationBody(row: Installation): Record<string, unknown> {
  return {
    installationID: row.installationID,
    installationRegistrationID: row.registrationID,
    deviceType: row.deviceType,
    development: row.development,
    ...(row.owner?.kind === 'thing' ? { thingID: row.owner.id } : { userID: row.owner?.id }),
  };
}
