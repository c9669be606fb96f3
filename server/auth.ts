import type { FastifyRequest } from 'fastify';
import type { ServerConfig } from './config';
import { KiiHttpError, kiiErrors } from './errors';
import { sameSecret } from './ids';
import type { TokenRepository } from './repositories/tokens';

/** Who a request acts as. `anonymous` carries valid app credentials only. */
export type Principal =
  | { type: 'admin'; id: string; token: string }
  | { type: 'user'; id: string; token: string }
  | { type: 'thing'; id: string; token: string }
  | { type: 'anonymous' };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

export function appNotFound(appID: string): KiiHttpError {
  return new KiiHttpError(404, 'APP_NOT_FOUND', `The application ${appID} was not found`, {
    appID,
  });
}

/**
 * Resolves the caller from the request headers. The SDK sends `bearer` or `Bearer` tokens and
 * `x-kii-appid` / `x-kii-appkey` on every call; Kii's curl examples use `Basic appID:appKey`
 * for anonymous calls (docs/kii-api.md §1.2), so both are accepted.
 */
export function resolvePrincipal(
  request: FastifyRequest,
  config: ServerConfig,
  tokens: TokenRepository,
): Principal {
  const headerApp = request.headers['x-kii-appid'];
  const headerKey = request.headers['x-kii-appkey'];
  if (typeof headerApp === 'string' && headerApp !== config.appId) throw appNotFound(headerApp);
  if (typeof headerKey === 'string' && !sameSecret(headerKey, config.appKey)) {
    throw new KiiHttpError(401, 'UNAUTHORIZED', 'The app key is not valid for this app', {
      authenticatedAppID: config.appId,
    });
  }
  const authorization = request.headers.authorization ?? '';
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    const row = tokens.findLive(credentials);
    if (!row) throw kiiErrors.wrongToken(config.appId, credentials);
    // An anonymous token only proves the app credentials, like x-kii-appkey does.
    if (row.principal_type === 'anonymous') return { type: 'anonymous' };
    return { type: row.principal_type, id: row.principal_id, token: credentials } as Principal;
  }
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const [appID, appKey = ''] = decoded.split(/:(.*)/s, 2);
    if (appID !== config.appId) throw appNotFound(appID);
    // Kii's admin guide authenticates with `appID:anything` on the app-scoped token path
    // (docs/kii-api.md §4.2), so only the app ID is binding here.
    void appKey;
  }
  return { type: 'anonymous' };
}

/** The caller must hold a token (user, thing or admin). */
export function requireToken(request: FastifyRequest, appID: string) {
  const principal = request.principal;
  if (principal.type === 'anonymous') throw kiiErrors.unauthorized(appID);
  return principal;
}

export function requireAdmin(request: FastifyRequest, appID: string) {
  const principal = requireToken(request, appID);
  if (principal.type !== 'admin') throw kiiErrors.unauthorized(appID, principal.id);
  return principal;
}

/** Admin, or the user / thing the resource belongs to. */
export function requireSelfOrAdmin(
  request: FastifyRequest,
  appID: string,
  owner: { type: 'user' | 'thing'; id: string | null },
) {
  const principal = requireToken(request, appID);
  if (principal.type === 'admin') return principal;
  if (principal.type === owner.type && principal.id === owner.id) return principal;
  throw kiiErrors.unauthorized(appID, principal.id);
}
