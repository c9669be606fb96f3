import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { ConsoleMode } from '../app/core/team/console-mode';
import { TeamSession } from '../app/core/team/team-session';
import { ConnectedApp, TeamMe, TeamRole } from '../app/core/team/team-types';

/** The app every team spec works on. */
export const TEAM_APP_ID = 'team-app';

export function teamMe(role: TeamRole, appId = TEAM_APP_ID): TeamMe {
  return {
    person: { id: 7, login: `${role}-person`, displayName: `Team ${role}` },
    roles: [{ appId, role }],
    csrfToken: `csrf-${role}`,
    session: { expiresAt: Date.now() + 3_600_000, idleExpiresAt: Date.now() + 1_800_000 },
  };
}

export function teamApp(role: TeamRole, appId = TEAM_APP_ID): ConnectedApp {
  return { appId, label: 'Team app', site: 'custom', baseUrl: 'http://127.0.0.1:9/api', role };
}

/**
 * Team mode with a person signed in as `role` on the one app (chosen): the sign-in and app
 * list answered through HttpTestingController, as the console server would.
 */
export async function signInToTeam(role: TeamRole = 'operator'): Promise<void> {
  TestBed.inject(ConsoleMode).set('team');
  const http = TestBed.inject(HttpTestingController);
  const signedIn = firstValueFrom(TestBed.inject(TeamSession).signIn$('person', 'password'));
  http.expectOne('/team/api/session').flush(teamMe(role));
  await Promise.resolve();
  http.expectOne('/team/api/apps').flush([teamApp(role)]);
  await signedIn;
}
