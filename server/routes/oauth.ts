import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { appNotFound } from '../auth';
import { KiiHttpError } from '../errors';
import { sameSecret, verifyNoPassword } from '../ids';
import { vendorThingIdOf } from '../repositories/principals';
import type { TokenHolder } from '../repositories/tokens';
import { NEVER_EXPIRES_SECONDS } from '../config';
import { createSignInLimiter } from './sign-in-limit';

const tokenBody = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    password: { type: 'string' },
    client_id: { type: 'string' },
    client_secret: { type: 'string' },
    grant_type: { type: 'string' },
    refresh_token: { type: 'string' },
    expiresAt: { type: ['integer', 'string'] },
  },
} as const;
type TokenRequest = FromSchema<typeof tokenBody>;

const tokenResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    access_token: { type: 'string' },
    expires_in: { type: 'integer' },
    token_type: { type: 'string' },
  },
} as const;

const ANONYMOUS_ID = 'ANONYMOUS_USER';

/** Login failures are OAuth-flavoured (docs/kii-api.md §2.1): 400 invalid_grant. */
function invalidGrant(description: string): KiiHttpError {
  return new KiiHttpError(400, 'invalid_grant', description, {
    error: 'invalid_grant',
    error_description: description,
  });
}

/**
 * Token issue for users, things, the app admin and anonymous callers (app ID + app key): `POST /oauth2/token` (what the SDK uses; the
 * app comes from x-kii-appid) and the app-scoped `POST /apps/{appID}/oauth2/token`.
 */
export const oauthRoutes: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  const { config, users, things, tokens } = app.kii;

  async function issue(body: TokenRequest) {
    if (body.grant_type && !['password', 'client_credentials'].includes(body.grant_type)) {
      throw invalidGrant(`grant_type ${body.grant_type} is not supported by this server`);
    }
    let expiresAt: number | null = null;
    if (body.expiresAt !== undefined) {
      expiresAt = Number(body.expiresAt);
      if (!Number.isFinite(expiresAt)) throw invalidGrant('expiresAt must be epoch milliseconds');
    }
    let type: TokenHolder;
    let id: string;
    if (
      body.client_id !== undefined &&
      body.client_id === config.appId &&
      body.client_id !== config.clientId
    ) {
      // The app ID and app key as client credentials give an anonymous token (docs/kii-api.md §4.1,
      // §4.2; kii_go uses it). What Kii returns as its `id` is UNCONFIRMED: the ACL's name for
      // anyone, ANONYMOUS_USER, says what the token stands for without inventing an ID.
      if (!sameSecret(body.client_secret ?? '', config.appKey))
        throw invalidGrant('The app key is wrong');
      [type, id] = ['anonymous', ANONYMOUS_ID];
    } else if (body.client_id !== undefined) {
      if (
        body.client_id !== config.clientId ||
        !sameSecret(body.client_secret ?? '', config.clientSecret)
      ) {
        throw invalidGrant('The client ID or client secret is wrong');
      }
      [type, id] = ['admin', config.clientId];
    } else if (body.username !== undefined && body.password !== undefined) {
      const vendorThingID = vendorThingIdOf(body.username);
      if (vendorThingID !== undefined) {
        const thing = things.findByVendorId(vendorThingID);
        const valid = thing
          ? await things.checkPassword(thing, body.password)
          : await verifyNoPassword(body.password);
        if (!thing || !valid) {
          throw invalidGrant('The thing was not found or the password is wrong');
        }
        [type, id] = ['thing', thing.id];
      } else {
        const user = users.findForLogin(body.username);
        const valid = user
          ? await users.checkPassword(user, body.password)
          : await verifyNoPassword(body.password);
        if (!user || !valid) {
          throw invalidGrant('The user was not found or the password is wrong');
        }
        [type, id] = ['user', user.id];
      }
    } else {
      throw invalidGrant('Give username and password, or client_id and client_secret');
    }
    const row = tokens.issue(type, id, expiresAt);
    const expiresIn =
      expiresAt === null
        ? NEVER_EXPIRES_SECONDS
        : Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
    return { id, access_token: row.token, expires_in: expiresIn, token_type: 'Bearer' };
  }

  /** Wrong credentials count against the caller's address and the account they named. */
  const limiter = createSignInLimiter();
  async function issueLimited(request: FastifyRequest, reply: FastifyReply, body: TokenRequest) {
    const key = `${request.ip}\0${body.username ?? body.client_id ?? ''}`;
    try {
      limiter.check(key);
    } catch (error) {
      reply.header('retry-after', (error as KiiHttpError).extra.retryAfterSeconds);
      throw error;
    }
    try {
      const issued = await issue(body);
      limiter.succeeded(key);
      return issued;
    } catch (error) {
      if (error instanceof KiiHttpError && error.errorCode === 'invalid_grant') limiter.failed(key);
      throw error;
    }
  }

  // An empty body reaches the handlers as undefined (the body parser in app.ts).
  const schema = { body: tokenBody, response: { 200: tokenResponse } };
  app.post('/oauth2/token', { schema }, async (request, reply) => {
    // The app is named by x-kii-appid (SDK) or Basic appID:appKey (curl examples); both are
    // checked against this server's app before the route runs.
    const named =
      typeof request.headers['x-kii-appid'] === 'string' ||
      /^basic /i.test(request.headers.authorization ?? '');
    if (!named) throw appNotFound('(no x-kii-appid header)');
    return issueLimited(request, reply, request.body ?? {});
  });
  app.post('/apps/:appID/oauth2/token', { schema }, async (request, reply) =>
    issueLimited(request, reply, request.body ?? {}),
  );
};
