/*
 * The console server's answers as the console reads them (console-server/routes/, contract in
 * docs/team-api.md). Only what the console uses is typed.
 */

/** viewer < support < operator < admin (console-server/people/roles.ts). */
export const TEAM_ROLES = ['viewer', 'support', 'operator', 'admin'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** The app ID standing for every app in a role grant. */
export const ALL_APPS = '*';

export interface RoleGrant {
  readonly appId: string;
  readonly role: TeamRole;
}

export interface TeamPerson {
  readonly id: number;
  readonly login: string;
  readonly displayName: string;
}

/** GET /team/api/me and the answer to a sign-in. */
export interface TeamMe {
  readonly person: TeamPerson;
  readonly roles: readonly RoleGrant[];
  /** Echoed in `x-kpc-csrf` on every state change; kept in memory only. */
  readonly csrfToken: string;
  readonly session: { readonly expiresAt: number; readonly idleExpiresAt: number };
}

/** One connected Kii app (GET /team/api/apps), with the person's role on it. */
export interface ConnectedApp {
  readonly appId: string;
  readonly label: string;
  readonly site: string;
  readonly baseUrl: string;
  readonly role: TeamRole;
}

/** GET /team/api/session/providers: how people may sign in. */
export interface SignInProviders {
  readonly password: boolean;
  readonly oidc: readonly { readonly id: string; readonly label: string }[];
}

const rank = (role: TeamRole) => TEAM_ROLES.indexOf(role);

/** The strongest role the grants give on `appId` (its own or '*'), as the server decides it. */
export function effectiveRole(grants: readonly RoleGrant[], appId: string): TeamRole | null {
  let best: TeamRole | null = null;
  for (const grant of grants) {
    if (grant.appId !== appId && grant.appId !== ALL_APPS) continue;
    if (best === null || rank(grant.role) > rank(best)) best = grant.role;
  }
  return best;
}

/**
 * True for a team admin (admin on every app): connecting apps and managing people need it
 * (console-server/routes/apps-routes.ts, people-routes.ts).
 */
export function isTeamAdmin(grants: readonly RoleGrant[]): boolean {
  return grants.some((grant) => grant.appId === ALL_APPS && grant.role === 'admin');
}

/** True when `held` is at least `needed`. */
export function roleAtLeast(held: TeamRole | null, needed: TeamRole): boolean {
  return held !== null && rank(held) >= rank(needed);
}

export function isTeamMe(value: unknown): value is TeamMe {
  if (typeof value !== 'object' || value === null) return false;
  const me = value as Record<string, unknown>;
  const person = me['person'] as Record<string, unknown> | undefined;
  return (
    typeof me['csrfToken'] === 'string' &&
    Array.isArray(me['roles']) &&
    typeof person === 'object' &&
    person !== null &&
    typeof person['login'] === 'string'
  );
}
