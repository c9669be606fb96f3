import { Injectable, computed, inject } from '@angular/core';
import { Observable, catchError, map, of, throwError } from 'rxjs';

import { makeKiiError, toKiiError } from '../core/kii-error';
import { normalizeBaseUrl } from '../core/kii-site';
import { LocalServer } from '../core/local-server';
import { PrincipalLookup } from '../core/principal-lookup';
import { SessionStore } from '../core/session';
import { ConsoleMode } from '../core/team/console-mode';
import { Installation } from '../core/kii/installation';
import {
  INSTALLATION_CATALOG,
  KnownInstallation,
  KnownSource,
  catalogKey,
} from './installation-catalog';

/**
 * Where the Installations page gets its rows: `server`, the local server's listing of every
 * installation (app admin only); `known`, the installations this console knows for the app,
 * kept in IndexedDB (Kii Cloud, or a user or thing session).
 */
export type ListingMode = 'server' | 'known';

/**
 * Decides the listing mode for the session and keeps the catalog of known installations in
 * step with what the console installs, looks up, imports and uninstalls. Also names owners.
 */
@Injectable({ providedIn: 'root' })
export class KnownInstallations {
  private readonly sessions = inject(SessionStore);
  private readonly localServer = inject(LocalServer);
  private readonly catalog = inject(INSTALLATION_CATALOG);
  private readonly lookup = inject(PrincipalLookup);
  private readonly consoleMode = inject(ConsoleMode);

  /** Null while the local server's discovery is under way or nobody is signed in. */
  readonly mode = computed<ListingMode | null>(() => {
    const session = this.sessions.session();
    // Team mode: the console server lists (its local listing or the shared registry).
    if (this.consoleMode.team()) return session ? 'server' : null;
    const info = this.localServer.info();
    if (info === undefined || !session) return null;
    const listable =
      !!info?.extensions.includes('installations') &&
      normalizeBaseUrl(session.baseUrl) === this.localServer.baseUrl &&
      session.principal.kind === 'admin';
    return listable ? 'server' : 'known';
  });

  /** The known installations of the signed-in app. */
  list$(): Observable<readonly KnownInstallation[]> {
    const key = this.key();
    return key ? this.catalog.list$(key) : notSignedIn();
  }

  /** Records installations in the catalog (only in `known` mode; the server lists them all). */
  remember$(installations: readonly Installation[], source: KnownSource): Observable<void> {
    const key = this.key();
    if (this.mode() !== 'known' || !key || installations.length === 0) return of(undefined);
    return this.catalog.put$(
      key,
      installations.map((installation) => ({ ...installation, source })),
    );
  }

  /** Drops uninstalled installations from the catalog. */
  forget$(installationIDs: readonly string[]): Observable<void> {
    const key = this.key();
    if (!key || installationIDs.length === 0) return of(undefined);
    return this.catalog.remove$(key, installationIDs);
  }

  /**
   * The installation with its owner's readable name (login name or vendor thing ID) when
   * the server named only the ID. Naming is best effort: on failure the ID stays.
   */
  named$(installation: Installation): Observable<Installation> {
    const owner = installation.owner;
    if (!owner || owner.name !== owner.id) return of(installation);
    const self = this.sessions.session()?.principal;
    if (self && self.kind === owner.kind && self.id === owner.id) {
      return of({ ...installation, owner: { ...owner, name: self.name } });
    }
    return this.lookup.resolve$({ kind: owner.kind, by: 'id', value: owner.id }).pipe(
      map((found) => ({ ...installation, owner: { ...owner, name: found.name } })),
      catchError(() => of(installation)),
    );
  }

  private key(): string | null {
    const session = this.sessions.session();
    return session ? catalogKey(session) : null;
  }
}

function notSignedIn(): Observable<never> {
  return throwError(() => toKiiError(makeKiiError('auth', { detail: 'Not signed in.' })));
}

/** What a failed update of the installations known here is called (remember or forget). */
export function catalogUpdateLabel(): string {
  return $localize`:Action named in an error@@kpc.installations.actionRemember:Updating the installations known in this browser`;
}
