import * as oidc from 'openid-client';
import type { Db } from '../db/database';
import { ApiError } from '../errors';
import type { Person, PeopleRepository } from '../people/people-repository';
import type { RoleGrant } from '../people/roles';
import type { PendingFlow } from './oidc-flows';
import type { OidcIdentities } from './oidc-identities';
import { reasonOf } from './oidc-providers';
import type { OidcProviderConfig } from './oidc-config';
import { mapRoles } from './role-mapping';

/** The claims a sign-in goes on: the ID token's, completed by the userinfo endpoint's. */
export type Claims = Record<string, unknown> & { iss: string; sub: string };

/** Provider text kept in audit rows and messages is cut to this length. */
const PROVIDER_TEXT_MAX = 200;
const cut = (text: string) =>
  text.length > PROVIDER_TEXT_MAX ? `${text.slice(0, PROVIDER_TEXT_MAX)}…` : text;

/** A sign-in refusal: the error code the sign-in page shows, and the reason for the audit row. */
export const oidcErrors = {
  flowUnknown: () =>
    new ApiError(
      400,
      'OIDC_FLOW_UNKNOWN',
      'This single sign-on answer belongs to no sign-in under way in this browser (it expired, was already used, or was started elsewhere); start the sign-in again',
    ),
  stateMismatch: () =>
    new ApiError(
      400,
      'OIDC_STATE_MISMATCH',
      'The provider sent back a state that does not match the sign-in started in this browser',
    ),
  providerUnknown: (id: string) =>
    new ApiError(404, 'OIDC_PROVIDER_UNKNOWN', `No single sign-on provider is named ${id}`),
  providerUnavailable: (id: string, problem: string) =>
    new ApiError(
      503,
      'OIDC_PROVIDER_UNAVAILABLE',
      `The single sign-on provider ${id} cannot be reached right now (${cut(problem)}); sign in with a password or try again later`,
    ),
  noRole: (claim: string, values: string[]) =>
    new ApiError(
      403,
      'OIDC_NO_ROLE',
      `Signed in at the provider, but none of your ${claim} (${values.length ? cut(values.join(', ')) : 'none sent'}) gives a role in this console; ask a team admin to map your group to a role`,
      { claim, values },
    ),
  disabled: () => new ApiError(403, 'ACCOUNT_DISABLED', 'This account is disabled'),
};

/** Maps what openid-client throws during the callback to one refusal with a clear code. */
export function callbackError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    const description = error.error_description ? `: ${cut(error.error_description)}` : '';
    return error.error === 'access_denied'
      ? new ApiError(
          403,
          'OIDC_ACCESS_DENIED',
          `The provider did not sign you in (access_denied${description})`,
          { error: error.error },
        )
      : new ApiError(
          400,
          'OIDC_PROVIDER_ERROR',
          `The provider answered ${cut(error.error)}${description}`,
          { error: cut(error.error) },
        );
  }
  if (error instanceof oidc.ResponseBodyError) {
    // invalid_grant: a code used twice, expired, or whose PKCE verifier does not match.
    const description = error.error_description ? `: ${cut(error.error_description)}` : '';
    return new ApiError(
      400,
      'OIDC_TOKEN_REFUSED',
      `The provider refused to exchange the sign-in code (${cut(error.error)}${description})`,
      { error: cut(error.error) },
    );
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('OAUTH_')) {
    // Issuer, audience, nonce, signature or expiry of the ID token did not check out.
    return new ApiError(
      400,
      'OIDC_RESPONSE_INVALID',
      `The provider's answer failed a check (${cut(reasonOf(error))})`,
      { check: code },
    );
  }
  return new ApiError(
    502,
    'OIDC_PROVIDER_UNREACHABLE',
    `The provider could not be reached to finish the sign-in (${cut(reasonOf(error))})`,
  );
}

/**
 * The code exchange: openid-client checks the response's state and issuer, sends the PKCE
 * verifier, and checks the ID token's signature, issuer, audience, expiry and nonce. The
 * userinfo answer (checked to name the same subject) fills in claims the ID token left out;
 * the ID token's own claims win.
 */
export async function exchangeCode(
  client: oidc.Configuration,
  flow: PendingFlow,
  callbackQuery: string,
): Promise<Claims> {
  const currentUrl = new URL(flow.redirectUri);
  currentUrl.search = callbackQuery;
  const tokens = await oidc.authorizationCodeGrant(client, currentUrl, {
    pkceCodeVerifier: flow.codeVerifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims()!;
  let userinfo: Record<string, unknown> = {};
  if (client.serverMetadata().userinfo_endpoint) {
    userinfo = await oidc.fetchUserInfo(client, tokens.access_token, idClaims.sub);
  }
  return { ...userinfo, ...idClaims } as Claims;
}

/** A login name from the claims, in the people table's alphabet. */
function loginBase(claims: Claims): string {
  const named = [claims['preferred_username'], claims['email'], claims.sub].find(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  )!;
  const cleaned = named
    .toLowerCase()
    .replace(/[^a-z0-9._@-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    // Room for `.<provider id>-<n>` within the 64 characters a login may have.
    .slice(0, 28);
  return cleaned || 'sso-user';
}

function displayNameOf(claims: Claims, login: string): string {
  const name = claims['name'];
  // eslint-disable-next-line no-control-regex -- control characters have no place in a name
  const cleaned = typeof name === 'string' ? name.replace(/[\u0000-\u001f\u007f]/g, '').trim() : '';
  return cleaned ? cleaned.slice(0, 100) : login;
}

/** Who signed in, and what changed. */
export interface LinkedPerson {
  person: Person;
  roles: RoleGrant[];
  created: boolean;
  /** The role claim's values, for the audit row. */
  claimValues: string[];
}

/**
 * Finds the person linked to the claims' issuer and subject, or creates one (with no password,
 * under a login no one else holds: a provider's user never takes over a local account of the
 * same name). Roles are set from the role claim at every sign-in, so a change of groups at the
 * provider takes effect at the next sign-in. No mapped role: refused, and no person is created
 * (a linked person loses their roles).
 */
export function linkPerson(
  deps: { db: Db; people: PeopleRepository; identities: OidcIdentities },
  provider: OidcProviderConfig,
  claims: Claims,
): LinkedPerson {
  const { db, people, identities } = deps;
  const { grants, values } = mapRoles(provider, claims);
  // A refusal is returned out of the transaction, not thrown, so that a removed role stays removed.
  const outcome = db.transaction((): LinkedPerson | ApiError => {
    const linkedId = identities.personId(claims.iss, claims.sub);
    let person = linkedId === undefined ? undefined : people.byId(linkedId);
    if (person?.disabled) return oidcErrors.disabled();
    if (grants.length === 0) {
      if (person) people.setRoles(person.id, []);
      return oidcErrors.noRole(provider.roleClaim, values);
    }
    let created = false;
    if (!person) {
      const base = loginBase(claims);
      let login = base;
      for (let n = 1; people.byLogin(login); n++) {
        login = n === 1 ? `${base}.${provider.id}` : `${base}.${provider.id}-${n}`;
      }
      person = people.create({
        login,
        displayName: displayNameOf(claims, login),
        passwordHash: null,
      });
      identities.link(claims.iss, claims.sub, person.id, provider.id);
      created = true;
    } else {
      const displayName = displayNameOf(claims, person.login);
      if (displayName !== person.displayName) {
        people.update(person.id, { displayName, disabled: false });
        person = people.byId(person.id)!;
      }
      identities.signedIn(claims.iss, claims.sub, provider.id);
    }
    people.setRoles(person.id, grants);
    return { person, roles: grants, created, claimValues: values };
  })();
  if (outcome instanceof ApiError) throw outcome;
  return outcome;
}
