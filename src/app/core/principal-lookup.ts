import { Injectable, inject } from '@angular/core';
import { Observable, map, of, throwError } from 'rxjs';

import { makeKiiError } from './kii-error';
import { KiiRest } from './kii-rest';
import { ConsoleMode } from './team/console-mode';

/** How the operator names a user or thing: by Kii's ID, or by login name / vendor thing ID. */
export type PrincipalRefBy = 'id' | 'name';

/** A user or thing as the operator typed it. */
export interface PrincipalRef {
  readonly kind: 'user' | 'thing';
  readonly by: PrincipalRefBy;
  readonly value: string;
}

/** A user or thing the server confirmed. */
export interface ResolvedPrincipal {
  readonly kind: 'user' | 'thing';
  /** userID or thingID. */
  readonly id: string;
  /** Login name or vendor thing ID; the ID when the user has no login name. */
  readonly name: string;
}

/**
 * Finds users and things the way Kii addresses them (`LOGIN_NAME:`, `VENDOR_THING_ID:`,
 * docs/kii-api.md §4.4-§4.5), with the session's token. REST rather than the SDK: the SDK's
 * `findUserByUsername` fails with a text (`"Failed to find user. ..."`) that loses the
 * errorCode, and one call shape for users and things keeps the callers simple.
 */
@Injectable({ providedIn: 'root' })
export class PrincipalLookup {
  private readonly rest = inject(KiiRest);
  private readonly mode = inject(ConsoleMode);

  /**
   * Confirms that the user or thing exists and learns its ID and name. In team mode the
   * console server offers no user or thing lookup: an ID is taken as typed (the server's call
   * with it fails with USER_NOT_FOUND or THING_NOT_FOUND when it does not exist), and a name
   * is refused with what to type instead.
   */
  resolve$(ref: PrincipalRef): Observable<ResolvedPrincipal> {
    const value = ref.value.trim();
    if (!value) return invalid(ref);
    if (this.mode.team()) {
      if (ref.by === 'id') return of({ kind: ref.kind, id: value, name: value });
      return throwError(() =>
        makeKiiError('invalid', {
          detail: `In team mode, name the ${ref.kind} by its ${ref.kind === 'user' ? 'userID' : 'thingID'}.`,
        }),
      );
    }
    const key = encodeURIComponent(value);
    if (ref.kind === 'user') {
      const path = ref.by === 'id' ? `/users/${key}` : `/users/LOGIN_NAME:${key}`;
      return this.rest
        .app$<{ userID: string; loginName?: string }>('GET', path)
        .pipe(
          map((user) => ({ kind: 'user', id: user.userID, name: user.loginName || user.userID })),
        );
    }
    const path = ref.by === 'id' ? `/things/${key}` : `/things/VENDOR_THING_ID:${key}`;
    return this.rest.app$<{ _thingID: string; _vendorThingID?: string }>('GET', path).pipe(
      map((thing) => ({
        kind: 'thing',
        id: thing._thingID,
        name: thing._vendorThingID || thing._thingID,
      })),
    );
  }
}

function invalid(ref: PrincipalRef): Observable<never> {
  return throwError(() => makeKiiError('invalid', { detail: `No ${ref.kind} was named.` }));
}
