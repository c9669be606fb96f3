import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { SessionStore } from './session';

/**
 * Lets a page open only while someone is signed in; otherwise the operator lands on Connect,
 * where signing in is the one thing to do.
 */
export const requireSession: CanActivateFn = () =>
  inject(SessionStore).signedIn() ? true : inject(Router).createUrlTree(['/connect']);
