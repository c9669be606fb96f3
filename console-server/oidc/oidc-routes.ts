import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { auditRequest } from '../access/request-audit';
import { LOCALES, preferredLocale } from '../console-static';
import { ApiError } from '../errors';
import { beginSession } from '../sessions/begin-session';
import { auditRefusedSignIn, throttledError } from '../sessions/sign-in-throttle';
import { loadOidcConfig } from './oidc-config';
import { createOidcFlows, type PendingFlow } from './oidc-flows';
import { createOidcIdentities } from './oidc-identities';
import { OidcProviders } from './oidc-providers';
import { callbackError, exchangeCode, linkPerson, oidcErrors } from './oidc-sign-in';

/** The query parameter the sign-in page reads to say why single sign-on failed. */
export const SSO_ERROR_PARAM = 'ssoError';

const providersSchema = {
  type: 'object',
  required: ['password', 'oidc'],
  properties: {
    password: { type: 'boolean' },
    oidc: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'label'],
        properties: { id: { type: 'string' }, label: { type: 'string' } },
      },
    },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

function localeOf(request: FastifyRequest, asked: unknown): string {
  return LOCALES.includes(asked as (typeof LOCALES)[number])
    ? (asked as string)
    : preferredLocale(request);
}

/**
 * Single sign-on through OpenID Connect: the provider list for the sign-in page, the start of
 * an authorization code flow with PKCE, state and nonce, and the callback that checks the
 * answer, maps the role claim to roles, links the person by issuer and subject and starts the
 * same session a password sign-in does. The callback is a browser navigation: every outcome
 * is a redirect to the console (`/<locale>/`), a failure to its sign-in page with
 * `?ssoError=<code>` (never a 5xx page), and every outcome is audited (`sign-in` / `sign-in.failed` with `details.via = 'oidc'`),
 * refusals within the client address's budget (sessions/address-throttle.ts).
 */
export const oidcRoutes: FastifyPluginAsync = async (app) => {
  const { config, db, people } = app.team;
  // A broken config file stops the start; an unreachable provider only leaves it unlisted.
  const providers = new OidcProviders(
    config.oidcConfig ? loadOidcConfig(config.oidcConfig) : [],
    app.log,
  );
  await providers.discoverAll();
  const flows = createOidcFlows();
  const identities = createOidcIdentities(db);

  app.get('/session/providers', { schema: { response: { 200: providersSchema } } }, async () => ({
    password: true,
    oidc: providers.listed(),
  }));

  /** Audits a refusal and sends the browser to the console's sign-in page, which shows the code. */
  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    providerId: string,
    locale: string,
    error: ApiError,
  ): FastifyReply {
    auditRefusedSignIn(request, {
      action: 'sign-in.failed',
      target: `oidc:${providerId}`,
      status: error.status,
      errorCode: error.code,
      details: { via: 'oidc', provider: providerId, reason: error.message, ...error.details },
    });
    return toSignInPage(reply, locale, error);
  }

  /**
   * A throttled address (too many refused sign-ins, sessions/address-throttle.ts) is sent back
   * to the sign-in page before any provider call, and without an audit row of its own.
   */
  function throttled(request: FastifyRequest, reply: FastifyReply, locale: string) {
    const throttle = app.team.signInThrottle.throttled(request.ip);
    return throttle && toSignInPage(reply, locale, throttledError(throttle.retryAfterSeconds));
  }

  app.get<{ Params: { id: string }; Querystring: { locale?: string } }>(
    '/session/oidc/:id/start',
    { schema: { params: idParams } },
    async (request, reply) => {
      const { id } = request.params;
      const locale = localeOf(request, request.query.locale);
      const refused = throttled(request, reply, locale);
      if (refused) return refused;
      const provider = await providers.get(id);
      if (!provider) return refuse(request, reply, id, locale, oidcErrors.providerUnknown(id));
      if (!provider.client) {
        const error = oidcErrors.providerUnavailable(id, provider.problem ?? 'not discovered');
        return refuse(request, reply, id, locale, error);
      }
      const origin =
        provider.config.redirectOrigin ??
        config.publicOrigin ??
        `${request.protocol}://${request.host}`;
      const flow: Omit<PendingFlow, 'startedAt'> = {
        providerId: id,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        redirectUri: `${origin}/team/api/session/oidc/${encodeURIComponent(id)}/callback`,
        locale,
      };
      const url = oidc.buildAuthorizationUrl(provider.client, {
        redirect_uri: flow.redirectUri,
        scope: provider.config.scopes.join(' '),
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      flows.begin(request, reply, flow);
      return reply.redirect(url.href, 303);
    },
  );

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/session/oidc/:id/callback',
    { schema: { params: idParams } },
    async (request, reply) => {
      const { id } = request.params;
      // Taken out whatever happens next: a callback is answered once.
      const flow = flows.take(request, reply);
      const locale = flow?.locale ?? localeOf(request, undefined);
      const refused = throttled(request, reply, locale);
      if (refused) return refused;
      try {
        if (!flow || flow.providerId !== id) throw oidcErrors.flowUnknown();
        // Before anything reaches the provider: an answer meant for another sign-in is refused.
        if (request.query['state'] !== flow.state) throw oidcErrors.stateMismatch();
        const provider = await providers.get(id);
        if (!provider?.client) {
          throw oidcErrors.providerUnavailable(id, provider?.problem ?? 'not configured');
        }
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        const claims = await exchangeCode(provider.client, flow, query);
        const linked = linkPerson({ db, people, identities }, provider.config, claims);
        beginSession(request, reply, linked.person);
        auditRequest(request, {
          action: 'sign-in',
          target: linked.person.login,
          status: 200,
          details: {
            via: 'oidc',
            provider: id,
            created: linked.created,
            claim: { name: provider.config.roleClaim, values: linked.claimValues },
            roles: linked.roles,
          },
        });
        return reply.redirect(`/${locale}/`, 303);
      } catch (error) {
        const refusal = callbackError(error);
        if (refusal.code === 'OIDC_PROVIDER_UNREACHABLE') request.log.warn(error);
        return refuse(request, reply, id, locale, refusal);
      }
    },
  );
};

/** The console's sign-in page, showing the refusal's code (teamErrorMessage in the console). */
function toSignInPage(reply: FastifyReply, locale: string, error: ApiError): FastifyReply {
  const to = `/${locale}/sign-in?${SSO_ERROR_PARAM}=${encodeURIComponent(error.code)}`;
  return reply.redirect(to, 303);
}
