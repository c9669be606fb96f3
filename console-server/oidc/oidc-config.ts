import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { ROLES, type Role } from '../people/roles';

/**
 * One OpenID Connect provider people may sign in with, as the `--oidc-config` file describes it
 * (README, "Single sign-on"). The client secret is read from a file or an environment variable
 * named here, never written in the file itself, and is never logged.
 */
export interface OidcProviderConfig {
  /** Short name in URLs and audit rows: `^[a-z0-9][a-z0-9-]{0,31}$`. */
  id: string;
  /** What the sign-in page's button says. */
  label: string;
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint (the provider's registration says). */
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Always includes `openid`. */
  scopes: string[];
  /**
   * The origin the provider sends people back to (`<origin>/team/api/session/oidc/<id>/callback`
   * must be registered there). Unset: --public-origin, else the origin the sign-in started on.
   */
  redirectOrigin?: string;
  /** Which claim carries the values mapped to roles, e.g. `groups` or `roles`. */
  roleClaim: string;
  /** Claim value -> role per app ID (or `*` for every app). */
  roleMap: Map<string, Map<string, Role>>;
}

/** A bad config file stops the start with this message (unlike an unreachable provider). */
export class OidcConfigError extends Error {}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
const APP_PATTERN = /^(\*|[A-Za-z0-9][A-Za-z0-9_-]*)$/;

/** Plain http is only accepted for an issuer on this machine (tests, a local provider). */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

type Raw = Record<string, unknown>;

function object(value: unknown, where: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OidcConfigError(`${where} must be an object`);
  }
  return value as Raw;
}

function text(raw: Raw, key: string, where: string, optional = false): string | undefined {
  const value = raw[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OidcConfigError(`${where}.${key} must be a non-empty string`);
  }
  return value;
}

function secretOf(raw: Raw, where: string, baseDir: string): string {
  const file = text(raw, 'clientSecretFile', where, true);
  const env = text(raw, 'clientSecretEnv', where, true);
  if ('clientSecret' in raw) {
    throw new OidcConfigError(
      `${where}.clientSecret is not read: put the secret in a file (clientSecretFile) or an environment variable (clientSecretEnv)`,
    );
  }
  if ((file === undefined) === (env === undefined)) {
    throw new OidcConfigError(`${where} needs exactly one of clientSecretFile or clientSecretEnv`);
  }
  let secret: string | undefined;
  if (file !== undefined) {
    const path = resolve(baseDir, file);
    try {
      secret = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new OidcConfigError(
        `${where}.clientSecretFile ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else {
    secret = process.env[env!]?.trim();
  }
  if (!secret) {
    throw new OidcConfigError(
      `${where}: the client secret (${file !== undefined ? `file ${file}` : `environment variable ${env}`}) is empty`,
    );
  }
  return secret;
}

function issuerOf(raw: Raw, where: string): URL {
  const value = text(raw, 'issuer', where)!;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcConfigError(`${where}.issuer must be a URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    throw new OidcConfigError(
      `${where}.issuer must use https (plain http only for a provider on this machine)`,
    );
  }
  return url;
}

function roleMapOf(raw: Raw, where: string): Map<string, Map<string, Role>> {
  const roles = object(raw['roles'], `${where}.roles`);
  const map = new Map<string, Map<string, Role>>();
  for (const [value, grants] of Object.entries(roles)) {
    const perApp = new Map<string, Role>();
    for (const [appId, role] of Object.entries(object(grants, `${where}.roles["${value}"]`))) {
      if (!APP_PATTERN.test(appId)) {
        throw new OidcConfigError(`${where}.roles["${value}"]: "${appId}" is not an app ID or *`);
      }
      if (!ROLES.includes(role as Role)) {
        throw new OidcConfigError(
          `${where}.roles["${value}"]["${appId}"] must be one of ${ROLES.join(', ')}`,
        );
      }
      perApp.set(appId, role as Role);
    }
    map.set(value, perApp);
  }
  if (map.size === 0) throw new OidcConfigError(`${where}.roles maps no claim value to a role`);
  return map;
}

function providerOf(value: unknown, index: number, baseDir: string): OidcProviderConfig {
  const where = `providers[${index}]`;
  const raw = object(value, where);
  const id = text(raw, 'id', where)!;
  if (!ID_PATTERN.test(id)) {
    throw new OidcConfigError(`${where}.id must match ${ID_PATTERN.source}, got "${id}"`);
  }
  const scopes = raw['scopes'] ?? ['openid', 'profile', 'email'];
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && /^\S+$/.test(s))) {
    throw new OidcConfigError(`${where}.scopes must be a list of scope names`);
  }
  const auth = raw['tokenEndpointAuthMethod'] ?? 'client_secret_basic';
  if (auth !== 'client_secret_basic' && auth !== 'client_secret_post') {
    throw new OidcConfigError(
      `${where}.tokenEndpointAuthMethod must be client_secret_basic or client_secret_post`,
    );
  }
  const redirect = text(raw, 'redirectOrigin', where, true);
  if (redirect !== undefined && URL.canParse(redirect) && new URL(redirect).origin !== redirect) {
    throw new OidcConfigError(`${where}.redirectOrigin takes an origin only, got "${redirect}"`);
  }
  if (redirect !== undefined && !URL.canParse(redirect)) {
    throw new OidcConfigError(`${where}.redirectOrigin must be an origin, got "${redirect}"`);
  }
  const mapping = object(raw['roleMapping'], `${where}.roleMapping`);
  return {
    id,
    label: text(raw, 'label', where)!,
    issuer: issuerOf(raw, where),
    clientId: text(raw, 'clientId', where)!,
    clientSecret: secretOf(raw, where, baseDir),
    tokenEndpointAuthMethod: auth,
    scopes: scopes.includes('openid') ? scopes : ['openid', ...scopes],
    redirectOrigin: redirect,
    roleClaim: text(mapping, 'claim', `${where}.roleMapping`)!,
    roleMap: roleMapOf(mapping, `${where}.roleMapping`),
  };
}

/**
 * Reads and checks the provider list: `{"providers": [...]}`. Relative secret file paths are
 * taken from the config file's own directory. Every mistake is named with where it is.
 */
export function loadOidcConfig(path: string): OidcProviderConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OidcConfigError(
      `--oidc-config ${path}: ${error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'} (${(error as Error).message})`,
    );
  }
  const providers = object(parsed, 'the OIDC config')['providers'];
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new OidcConfigError('the OIDC config needs a non-empty "providers" list');
  }
  const list = providers.map((p, i) => providerOf(p, i, dirname(resolve(path))));
  const ids = new Set<string>();
  for (const { id } of list) {
    if (ids.has(id)) throw new OidcConfigError(`provider id "${id}" is used twice`);
    ids.add(id);
  }
  return list;
}
