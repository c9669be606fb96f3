import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, catchError, defer, from, map, of, tap, throwError } from 'rxjs';

import { SESSION_STORAGE, readJson, writeJson } from './browser';
import { KII_SDK, SdkAdminContext, SdkThingContext, SdkUser } from './kii-sdk';
import { neverExpires } from './expiry';
import { makeKiiError, toKiiError } from './kii-error';
import { SiteId, normalizeBaseUrl } from './kii-site';
import {
  Credentials,
  PRINCIPAL_KINDS,
  Principal,
  PrincipalKind,
  loginOf,
  secretOf,
} from './principal';
import { ProfileStore } from './profiles';
import { ConsoleMode } from './team/console-mode';
import { TeamSession } from './team/team-session';

/** sessionStorage key of the current session (token included, secrets never). */
export const SESSION_STORAGE_KEY = 'kpc-session';

/** Which Kii app, where. */
export interface AppTarget {
  readonly site: SiteId;
  /** Base URL ending in `/api`, as given to `Kii.initializeWithSite`. */
  readonly baseUrl: string;
  readonly appId: string;
  readonly appKey: string;
}

/** What the Connect page submits. */
export interface SignInRequest extends AppTarget {
  readonly credentials: Credentials;
  /** Keep the secret in this browser's localStorage with the saved profile. */
  readonly rememberSecret: boolean;
}

/** The signed-in connection. */
export interface Session extends AppTarget {
  readonly principal: Principal;
  readonly token: string;
  /** Epoch ms when the token expires; null when it does not (or the SDK does not say). */
  readonly expiresAt: number | null;
  readonly signedInAt: number;
}

/** The SDK object that acts for the signed-in principal. */
export type KiiPrincipalContext =
  | { readonly kind: 'admin'; readonly admin: SdkAdminContext }
  | { readonly kind: 'user'; readonly user: SdkUser }
  | { readonly kind: 'thing'; readonly thing: SdkThingContext };

interface SignedIn {
  readonly context: KiiPrincipalContext;
  readonly principal: Principal;
  readonly token: string | undefined;
  readonly expiresAt: number | null;
}

/**
 * The current Kii connection: signs in through the SDK seam, keeps the session (with its
 * token) in sessionStorage, records the profile (secret only on request) and signs out.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly sdk = inject(KII_SDK);
  private readonly storage = inject(SESSION_STORAGE);
  private readonly profiles = inject(ProfileStore);
  private readonly mode = inject(ConsoleMode);
  private readonly team = inject(TeamSession);

  private readonly state = signal<Session | null>(this.restore());
  // SDK objects stay out of signals: they are mutable and not for templates.
  private context: KiiPrincipalContext | null = null;

  /**
   * The signed-in session, or null. In team mode it is the person's session on the chosen
   * app, so pages read the app the same way in both modes.
   */
  readonly session = computed(() => (this.mode.team() ? this.teamSession() : this.state()));
  readonly signedIn = computed(() => this.session() !== null);

  /**
   * Initialises the SDK for the app and signs in with the credentials. On success the session
   * replaces the current one and the profile is saved; errors arrive as `KiiError`.
   */
  signIn$(request: SignInRequest): Observable<Session> {
    return defer(() => {
      const baseUrl = normalizeBaseUrl(request.baseUrl);
      // The SDK is one global: whatever it held belongs to the previous app now.
      this.context = null;
      this.sdk.Kii.initializeWithSite(request.appId, request.appKey, baseUrl);
      return this.authenticate$(request.credentials).pipe(
        map((signedIn) => this.accept({ ...request, baseUrl }, signedIn)),
      );
    }).pipe(catchError((error: unknown) => throwError(() => toKiiError(error))));
  }

  /** Forgets the session and its token; saved profiles stay. */
  signOut(): void {
    this.context = null;
    this.state.set(null);
    writeJson(this.storage, SESSION_STORAGE_KEY, null);
    try {
      this.sdk.Kii.logOut();
    } catch {
      // Not initialised yet (a session restored from storage and never used): nothing to clear.
    }
  }

  /**
   * The SDK context for the signed-in principal. After a reload it is rebuilt from the stored
   * token (for a user this asks the server, and a refused token signs the session out).
   */
  context$(): Observable<KiiPrincipalContext> {
    if (this.mode.team()) {
      // A facade that forgot its team transport: the browser holds no Kii token in team mode.
      return throwError(() =>
        makeKiiError('forbidden', {
          detail: 'Team mode reaches Kii only through the console server.',
        }),
      );
    }
    const session = this.state();
    if (!session) {
      return throwError(() => makeKiiError('auth', { detail: 'Not signed in.' }));
    }
    if (this.context) return of(this.context);
    return defer(() => {
      this.sdk.Kii.initializeWithSite(session.appId, session.appKey, session.baseUrl);
      return this.contextFromToken$(session);
    }).pipe(
      tap((context) => {
        if (this.state() === session) this.context = context;
      }),
      catchError((raw: unknown) => {
        const error = toKiiError(raw);
        if (error.kind === 'auth' && this.state() === session) this.signOut();
        return throwError(() => error);
      }),
    );
  }

  /**
   * Team mode: the person on the chosen app. The console server acts as the app admin for
   * them, hence the admin principal (named after the person) and no token or app key here.
   */
  private teamSession(): Session | null {
    const person = this.team.person();
    const app = this.team.app();
    if (!person || !app) return null;
    return {
      site: app.site as SiteId,
      baseUrl: app.baseUrl,
      appId: app.appId,
      appKey: '',
      principal: { kind: 'admin', id: person.login, name: person.displayName || person.login },
      token: '',
      expiresAt: this.team.expiresAt(),
      signedInAt: 0,
    };
  }

  private authenticate$(credentials: Credentials): Observable<SignedIn> {
    const { Kii, KiiUser } = this.sdk;
    switch (credentials.kind) {
      case 'admin':
        return from(
          Kii.authenticateAsAppAdmin(credentials.clientId, credentials.clientSecret),
        ).pipe(
          map((admin) => ({
            context: { kind: 'admin', admin },
            principal: { kind: 'admin', id: credentials.clientId, name: credentials.clientId },
            token: admin.getAccessToken(),
            // The SDK asks for no expiry and drops `expires_in` for admins.
            expiresAt: null,
          })),
        );
      case 'user':
        return from(KiiUser.authenticate(credentials.username, credentials.password)).pipe(
          map((user) => {
            const token = user.getAccessTokenObject();
            return {
              context: { kind: 'user', user },
              principal: {
                kind: 'user',
                id: user.getID() ?? credentials.username,
                name: user.getUsername() || credentials.username,
              },
              token: token?.access_token ?? user.getAccessToken(),
              expiresAt: expiryOf(token?.expires_at),
            };
          }),
        );
      case 'thing':
        return from(Kii.authenticateAsThing(credentials.vendorThingId, credentials.password)).pipe(
          map((thingContext) => {
            const thing = thingContext.getAuthenticatedThing();
            return {
              context: { kind: 'thing', thing: thingContext },
              principal: {
                kind: 'thing',
                id: thing.getThingID() ?? credentials.vendorThingId,
                name: credentials.vendorThingId,
              },
              token: thing.getAccessToken(),
              // Like admins: the SDK neither asks for nor reports an expiry.
              expiresAt: null,
            };
          }),
        );
    }
  }

  private accept(request: SignInRequest, signedIn: SignedIn): Session {
    if (!signedIn.token) {
      throw makeKiiError('server', { status: 200, detail: 'The answer had no access token.' });
    }
    const now = Date.now();
    const session: Session = {
      site: request.site,
      baseUrl: request.baseUrl,
      appId: request.appId,
      appKey: request.appKey,
      principal: signedIn.principal,
      token: signedIn.token,
      expiresAt: signedIn.expiresAt,
      signedInAt: now,
    };
    this.context = signedIn.context;
    this.state.set(session);
    writeJson(this.storage, SESSION_STORAGE_KEY, session);
    this.profiles.save({
      site: request.site,
      baseUrl: request.baseUrl,
      appId: request.appId,
      appKey: request.appKey,
      kind: request.credentials.kind,
      login: loginOf(request.credentials),
      secret: request.rememberSecret ? secretOf(request.credentials) : undefined,
      lastUsedAt: now,
    });
    return session;
  }

  private contextFromToken$(session: Session): Observable<KiiPrincipalContext> {
    const { Kii, KiiUser } = this.sdk;
    switch (session.principal.kind) {
      case 'admin':
        return of({ kind: 'admin', admin: Kii.authenticateAsAdminWithToken(session.token) });
      case 'user': {
        const expiresAt = session.expiresAt === null ? undefined : new Date(session.expiresAt);
        return from(KiiUser.authenticateWithToken(session.token, undefined, expiresAt)).pipe(
          map((user) => ({ kind: 'user', user }) as const),
        );
      }
      case 'thing':
        return from(Kii.authenticateAsThingWithToken(session.principal.id, session.token)).pipe(
          map((thing) => ({ kind: 'thing', thing }) as const),
        );
    }
  }

  private restore(): Session | null {
    const session = readJson(this.storage, SESSION_STORAGE_KEY, isSession);
    if (session && session.expiresAt !== null && session.expiresAt <= Date.now()) {
      writeJson(this.storage, SESSION_STORAGE_KEY, null);
      return null;
    }
    return session;
  }
}

function expiryOf(expiresAt: Date | null | undefined): number | null {
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) return null;
  const ms = expiresAt.getTime();
  // Kii issues tokens "without expiry" as expires_in = 2147483647 s.
  return neverExpires((ms - Date.now()) / 1000) ? null : ms;
}

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const principal = s['principal'] as Record<string, unknown> | undefined;
  return (
    typeof s['site'] === 'string' &&
    typeof s['baseUrl'] === 'string' &&
    typeof s['appId'] === 'string' &&
    typeof s['appKey'] === 'string' &&
    typeof s['token'] === 'string' &&
    (s['expiresAt'] === null || typeof s['expiresAt'] === 'number') &&
    typeof s['signedInAt'] === 'number' &&
    typeof principal === 'object' &&
    principal !== null &&
    PRINCIPAL_KINDS.includes(principal['kind'] as PrincipalKind) &&
    typeof principal['id'] === 'string' &&
    typeof principal['name'] === 'string'
  );
}
