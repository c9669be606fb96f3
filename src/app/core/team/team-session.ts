import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, catchError, firstValueFrom, map, of, switchMap, tap } from 'rxjs';

import { SESSION_STORAGE } from '../browser';
import { ConsoleMode, ConsoleModeKind } from './console-mode';
import { TEAM_API_BASE, TeamApi } from './team-api';
import {
  ConnectedApp,
  SignInProviders,
  TeamMe,
  TeamRole,
  effectiveRole,
  isTeamMe,
} from './team-types';

/** sessionStorage key of the app chosen in this tab (an app ID, nothing secret). */
export const TEAM_APP_STORAGE_KEY = 'kpc-team-app';

/**
 * The signed-in person of team mode: who, their roles per app, the app chosen in this tab and
 * the apps they may choose from. Signs in and out through the console server; the browser
 * holds only the httpOnly cookie (never readable here) and the CSRF token, in memory.
 */
@Injectable({ providedIn: 'root' })
export class TeamSession {
  private readonly http = inject(HttpClient);
  private readonly api = inject(TeamApi);
  private readonly mode = inject(ConsoleMode);
  private readonly storage = inject(SESSION_STORAGE);

  private readonly me = signal<TeamMe | null>(null);
  private readonly appList = signal<readonly ConnectedApp[] | null>(null);
  private readonly chosen = signal<string | null>(this.readChosen());
  private detection: Promise<ConsoleModeKind> | null = null;

  readonly person = computed(() => this.me()?.person ?? null);
  readonly roles = computed(() => this.me()?.roles ?? []);
  readonly signedIn = computed(() => this.me() !== null);
  readonly expiresAt = computed(() => this.me()?.session.expiresAt ?? null);
  /** The connected apps the person holds a role on; null until loaded. */
  readonly apps = this.appList.asReadonly();
  /** The chosen app's ID, only while the person still holds a role on it. */
  readonly appId = computed(() => {
    const id = this.chosen();
    return id !== null && this.me() && effectiveRole(this.roles(), id) ? id : null;
  });
  readonly app = computed(() => this.apps()?.find((a) => a.appId === this.appId()) ?? null);
  /** The person's role on the chosen app. */
  readonly role = computed<TeamRole | null>(() => {
    const id = this.appId();
    return id === null ? null : effectiveRole(this.roles(), id);
  });

  constructor() {
    this.api.onSessionEnded(() => this.forget());
  }

  /**
   * Decides the mode once (later calls share the answer): GET /team/api/me answering the
   * person or 401 UNAUTHENTICATED in the envelope means the console server served this page;
   * anything else (404 from the local Kii server, a static host's index.html, no answer) means
   * browser-only. A signed-in person's apps are loaded before it resolves.
   */
  detect(): Promise<ConsoleModeKind> {
    this.detection ??= firstValueFrom(
      this.http.get<unknown>(`${TEAM_API_BASE}/me`, { withCredentials: true }).pipe(
        switchMap((body) => {
          if (!isTeamMe(body)) return of<ConsoleModeKind>('browser');
          this.accept(body);
          // The mode is team whether or not the apps load; the app choice shows the failure.
          return this.loadApps$().pipe(
            map((): ConsoleModeKind => 'team'),
            catchError(() => of<ConsoleModeKind>('team')),
          );
        }),
      ),
    )
      .then(
        (kind) => kind,
        (error: unknown) => (isTeamRefusal(error) ? 'team' : 'browser'),
      )
      .then((kind) => {
        this.mode.set(kind);
        return kind;
      });
    return this.detection;
  }

  /** How people may sign in; password only when the server does not say. */
  providers$(): Observable<SignInProviders> {
    return this.api.get$<SignInProviders>('/session/providers');
  }

  /** Signs in with a password, then loads the person's apps (choosing the only one). */
  signIn$(login: string, password: string): Observable<TeamMe> {
    return this.api.post$<TeamMe>('/session', { login, password }).pipe(
      tap((me) => this.accept(me)),
      switchMap((me) => this.loadApps$().pipe(map(() => me))),
    );
  }

  /** Ends this browser's session. */
  signOut$(): Observable<void> {
    return this.api.delete$<void>('/session').pipe(tap(() => this.forget()));
  }

  /** Ends every session of the person, on every device. */
  signOutEverywhere$(): Observable<void> {
    return this.api.post$<void>('/session/everywhere').pipe(tap(() => this.forget()));
  }

  /** The connected apps with the person's role; the only one is chosen at once. */
  loadApps$(): Observable<readonly ConnectedApp[]> {
    return this.api.get$<ConnectedApp[]>('/apps').pipe(
      tap((apps) => {
        this.appList.set(apps);
        if (apps.length === 1) this.chooseApp(apps[0].appId);
      }),
    );
  }

  /** The app this tab works on. */
  chooseApp(appId: string): void {
    this.chosen.set(appId);
    try {
      this.storage.setItem(TEAM_APP_STORAGE_KEY, appId);
    } catch {
      // Storage disabled: the choice lasts until a reload.
    }
  }

  private accept(me: TeamMe): void {
    this.api.useCsrfToken(me.csrfToken);
    this.me.set(me);
  }

  /** Drops everything of the ended session (the server already forgot the cookie). */
  private forget(): void {
    this.api.useCsrfToken(null);
    this.me.set(null);
    this.appList.set(null);
  }

  private readChosen(): string | null {
    try {
      return this.storage.getItem(TEAM_APP_STORAGE_KEY);
    } catch {
      return null;
    }
  }
}

/** The console server's 401 envelope: only it answers /team/api/me that way. */
function isTeamRefusal(error: unknown): boolean {
  if (!(error instanceof HttpErrorResponse) || error.status !== 401) return false;
  const body = error.error as { error?: { code?: unknown } } | null;
  return body?.error?.code === 'UNAUTHENTICATED';
}
