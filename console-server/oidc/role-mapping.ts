import { ROLES, type Role, type RoleGrant } from '../people/roles';
import type { OidcProviderConfig } from './oidc-config';

/** What the role claim held, for the audit row and the refusal message. */
export interface MappedRoles {
  grants: RoleGrant[];
  /** The claim's values as strings (a provider may send one string or a list). */
  values: string[];
}

/** The claim's values: a string, a list of strings, or nothing usable. */
function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * The roles a provider's claims grant: every claim value found in the map adds its grants, and
 * where two values grant on the same app the stronger role wins. Values not in the map grant
 * nothing, so a provider's unrelated groups never widen anyone's powers.
 */
export function mapRoles(
  provider: Pick<OidcProviderConfig, 'roleClaim' | 'roleMap'>,
  claims: Record<string, unknown>,
): MappedRoles {
  const values = claimValues(claims[provider.roleClaim]);
  const best = new Map<string, Role>();
  for (const value of values) {
    for (const [appId, role] of provider.roleMap.get(value) ?? []) {
      const held = best.get(appId);
      if (held === undefined || ROLES.indexOf(role) > ROLES.indexOf(held)) best.set(appId, role);
    }
  }
  const grants = [...best]
    .map(([appId, role]) => ({ appId, role }))
    .sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
  return { grants, values };
}
