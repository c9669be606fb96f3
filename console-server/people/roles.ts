/**
 * Roles per Kii app, each including the powers of the ones before it (the role table in
 * README.md, "Team mode"): viewer < support < operator < admin.
 */
export const ROLES = ['viewer', 'support', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The app ID that stands for every app: a role there applies to each app. */
export const ALL_APPS = '*';

export interface RoleGrant {
  appId: string;
  role: Role;
}

const rank = (role: Role): number => ROLES.indexOf(role);

/** The strongest role a person holds for an app: their role there or their role on every app. */
export function effectiveRole(grants: readonly RoleGrant[], appId: string): Role | undefined {
  let best: Role | undefined;
  for (const grant of grants) {
    if (grant.appId !== appId && grant.appId !== ALL_APPS) continue;
    if (best === undefined || rank(grant.role) > rank(best)) best = grant.role;
  }
  return best;
}

/** Whether the grants give at least `needed` on `appId`. */
export function roleAllows(grants: readonly RoleGrant[], appId: string, needed: Role): boolean {
  const held = effectiveRole(grants, appId);
  return held !== undefined && rank(held) >= rank(needed);
}
