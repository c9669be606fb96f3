import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { ConsoleMode } from '../app/core/team/console-mode';
import { TeamSession } from '../app/core/team/team-session';
import { ConnectedApp, RoleGrant, TeamMe } from '../app/core/team/team-types';

/** The CSRF token the signed-in person of `signInWithGrants` holds. */
export const GRANTS_CSRF = 'csrf-of-the-spec';

/**
 * Team mode with a person holding exactly `roles` (a team admin is `{appId: '*', role:
 * 'admin'}`), signed in through TeamSession as the console server would answer it.
 */
export async function signInWithGrants(
  roles: RoleGrant[],
  apps: ConnectedApp[] = [],
): Promise<TeamMe> {
  TestBed.inject(ConsoleMode).set('team');
  const http = TestBed.inject(HttpTestingController);
  const me: TeamMe = {
    person: { id: 1, login: 'spec-person', displayName: 'Spec person' },
    roles,
    csrfToken: GRANTS_CSRF,
    session: { expiresAt: Date.now() + 3_600_000, idleExpiresAt: Date.now() + 1_800_000 },
  };
  const signedIn = firstValueFrom(TestBed.inject(TeamSession).signIn$('spec-person', 'pw'));
  http.expectOne('/team/api/session').flush(me);
  await Promise.resolve();
  http.expectOne('/team/api/apps').flush(apps);
  await signedIn;
  return me;
}
