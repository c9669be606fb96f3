/** Who signs in: the app admin, a user or a thing (docs/kii-api.md §3). */
export type PrincipalKind = 'admin' | 'user' | 'thing';

export const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['admin', 'user', 'thing'];

/** App admin: the app's client ID and client secret. */
export interface AdminCredentials {
  readonly kind: 'admin';
  readonly clientId: string;
  readonly clientSecret: string;
}

/** User: login name (or verified email / phone) and password. */
export interface UserCredentials {
  readonly kind: 'user';
  readonly username: string;
  readonly password: string;
}

/** Thing: vendor thing ID and the thing's password. */
export interface ThingCredentials {
  readonly kind: 'thing';
  readonly vendorThingId: string;
  readonly password: string;
}

export type Credentials = AdminCredentials | UserCredentials | ThingCredentials;

/** The signed-in principal as the console shows it. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** Kii's ID: userID, thingID; the client ID for the app admin. */
  readonly id: string;
  /** What the operator typed: client ID, username or vendor thing ID. */
  readonly name: string;
}

/** The non-secret half of the credentials: client ID, username or vendor thing ID. */
export function loginOf(credentials: Credentials): string {
  switch (credentials.kind) {
    case 'admin':
      return credentials.clientId;
    case 'user':
      return credentials.username;
    case 'thing':
      return credentials.vendorThingId;
  }
}

/** The secret half of the credentials: client secret or password. */
export function secretOf(credentials: Credentials): string {
  return credentials.kind === 'admin' ? credentials.clientSecret : credentials.password;
}

/** Rebuilds credentials from their two halves. */
export function credentialsOf(kind: PrincipalKind, login: string, secret: string): Credentials {
  switch (kind) {
    case 'admin':
      return { kind, clientId: login, clientSecret: secret };
    case 'user':
      return { kind, username: login, password: secret };
    case 'thing':
      return { kind, vendorThingId: login, password: secret };
  }
}

/** The operator-facing name of a principal kind. */
export function principalKindLabel(kind: PrincipalKind): string {
  switch (kind) {
    case 'admin':
      return $localize`:Principal kind, the Kii app administrator@@kpc.principal.admin:App admin`;
    case 'user':
      return $localize`:Principal kind, a Kii user@@kpc.principal.user:User`;
    case 'thing':
      return $localize`:Principal kind, a Kii thing (device)@@kpc.principal.thing:Thing`;
  }
}
