import { RoleGrant, TEAM_ROLES, TeamRole } from '../core/team/team-types';

/** A person as GET /team/api/people answers (console-server/routes/people-routes.ts). */
export interface Person {
  readonly id: number;
  readonly login: string;
  readonly displayName: string;
  readonly disabled: boolean;
  /** False for a person who signs in only through single sign-on. */
  readonly hasPassword: boolean;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly roles: readonly RoleGrant[];
}

/** A new person: POST /team/api/people. */
export interface NewPerson {
  readonly login: string;
  readonly displayName: string;
  readonly password: string;
  readonly roles: readonly RoleGrant[];
}

/** The server's rules for a login (console-server/routes/schemas.ts). */
export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
/** The server's shortest accepted password (console-server/people/passwords.ts). */
export const MIN_PASSWORD_LENGTH = 12;

/** A role's name in the console's language. */
export function roleLabel(role: TeamRole): string {
  switch (role) {
    case 'viewer':
      return $localize`:Team role name@@kpc.people.role.viewer:Viewer`;
    case 'support':
      return $localize`:Team role name@@kpc.people.role.support:Support`;
    case 'operator':
      return $localize`:Team role name@@kpc.people.role.operator:Operator`;
    case 'admin':
      return $localize`:Team role name@@kpc.people.role.admin:Admin`;
  }
}

export const ROLE_CHOICES: readonly TeamRole[] = TEAM_ROLES;

/** "Admin on every app; Viewer on app1", in a stable order (every app first). */
export function rolesText(roles: readonly RoleGrant[]): string {
  if (roles.length === 0)
    return $localize`:Shown for a person without any role@@kpc.people.noRoles:No role`;
  return [...roles]
    .sort((a, b) => (a.appId === '*' ? -1 : b.appId === '*' ? 1 : a.appId.localeCompare(b.appId)))
    .map((grant) => {
      const role = roleLabel(grant.role);
      const app = grant.appId;
      return grant.appId === '*'
        ? $localize`:A role on every app; ROLE is a role name@@kpc.people.roleEveryApp:${role}:ROLE: on every app`
        : $localize`:A role on one app; ROLE is a role name, APP an app ID@@kpc.people.roleOnApp:${role}:ROLE: on ${app}:APP:`;
    })
    .join('; ');
}

/**
 * A random password for a new person, shown once to the admin who hands it over: 20
 * characters from an alphabet without look-alikes (0/O, 1/l/I), from the browser's CSPRNG.
 */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_';
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
  let password = '';
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 59).
  const limit = 256 - (256 % alphabet.length);
  for (const byte of bytes) {
    if (byte >= limit) continue;
    password += alphabet[byte % alphabet.length];
    if (password.length === length) return password;
  }
  return password + generatePassword(length - password.length);
}
