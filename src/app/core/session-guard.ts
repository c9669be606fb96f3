import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { SessionStore } from './session';
import { ConsoleMode } from './team/console-mode';
import { TeamSession } from './team/team-session';

/**
 * Lets a page open only while someone is signed in; otherwise the operator lands where signing
 * in is the one thing to do: Connect in browser-only mode, the team sign-in (or the app choice
 * once signed in) in team mode.
 */
export const requireSession: CanActivateFn = () => {
  if (inject(SessionStore).signedIn()) return true;
  const router = inject(Router);
  if (!inject(ConsoleMode).team()) return router.createUrlTree(['/connect']);
  return router.createUrlTree([inject(TeamSession).signedIn() ? '/choose-app' : '/sign-in']);
};

/** Connect's credentials form is for browser-only mode: team mode signs people in instead. */
export const browserOnly: CanActivateFn = () => {
  if (!inject(ConsoleMode).team()) return true;
  const signedIn = inject(TeamSession).signedIn();
  return inject(Router).createUrlTree([signedIn ? '/installations' : '/sign-in']);
};

/** The app choice needs a signed-in person (not yet an app). */
export const requireTeamPerson: CanActivateFn = () =>
  inject(TeamSession).signedIn() ? true : inject(Router).createUrlTree(['/sign-in']);

/** The team pages exist only when the console server served the console. */
export const teamOnly: CanActivateFn = () =>
  inject(ConsoleMode).team() ? true : inject(Router).createUrlTree(['/connect']);
