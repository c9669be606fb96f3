import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireRole, requireSession } from '../access/guard';
import { auditRequest } from '../access/request-audit';
import {
  ConnectedAppError,
  credentialsOf,
  type ConnectedAppInput,
  type ConnectedAppSummary,
} from '../apps/connected-apps';
import { ApiError } from '../errors';
import type { KiiAppCredentials } from '../kii/admin-tokens';
import { checkKiiTarget, KiiTargetRefusedError } from '../kii/kii-target-policy';
import type { KiiCallError } from '../kii/kii-call-error';
import { ALL_APPS, effectiveRole, ROLES } from '../people/roles';
import {
  appIdParam,
  appNotConnected,
  appParams,
  auditedKiiCall,
  connectedAppApiError,
  kiiApiError,
  kiiOutcome,
} from './kii-action';

const secretField = { type: 'string', minLength: 1, maxLength: 1000 } as const;

/** The fields of a connect or replace; the app ID comes from the body or the path. */
const credentialFields = {
  label: { type: 'string', maxLength: 100 },
  site: { type: 'string', enum: ['us', 'jp', 'sg', 'eu', 'custom'] },
  baseUrl: { type: 'string', minLength: 1, maxLength: 500 },
  appKey: secretField,
  clientId: secretField,
  clientSecret: secretField,
} as const;

const credentialsRequired = ['site', 'appKey', 'clientId', 'clientSecret'];

/** An app in answers: the response schema also keeps any credential out of them. */
const appSchema = {
  type: 'object',
  required: ['appId', 'label', 'site', 'baseUrl', 'addedBy', 'addedAt', 'updatedAt'],
  properties: {
    appId: { type: 'string' },
    label: { type: 'string' },
    site: { type: 'string' },
    baseUrl: { type: 'string' },
    addedBy: { type: 'string' },
    addedAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    role: { type: 'string', enum: ROLES },
  },
  additionalProperties: false,
} as const;

type CredentialsBody = Omit<ConnectedAppInput, 'appId'>;

/** What the audit trail keeps of a connect or replace: nothing secret, not even the key. */
function described(input: CredentialsBody) {
  return { label: input.label ?? null, site: input.site, baseUrl: input.baseUrl ?? null };
}

/**
 * Connected Kii apps. Connecting one is a team admin's act (admin on every app); replacing an
 * app's credentials or disconnecting it needs admin of that app. Credentials are checked with
 * Kii (an app admin token is fetched) before anything is stored, and never leave the server.
 */
export const appsRoutes: FastifyPluginAsync = async (app) => {
  const { apps, kii, brokers, monitors } = app.team;

  /** Validates the input (400 as the vault words it) and checks it with Kii (audited). */
  async function verified(
    request: FastifyRequest,
    input: ConnectedAppInput,
    action: string,
  ): Promise<KiiAppCredentials> {
    let credentials: KiiAppCredentials;
    try {
      credentials = credentialsOf(input);
    } catch (error) {
      if (error instanceof ConnectedAppError) throw connectedAppApiError(error);
      throw error;
    }
    const refused = await checkKiiTarget(credentials.baseUrl, {
      allowPrivate: app.team.config.allowPrivateKii,
    }).then(
      () => null,
      // A name that does not resolve is left to the token call, which reports it as Kii's.
      (error: unknown) => (error instanceof KiiTargetRefusedError ? error : null),
    );
    if (refused) {
      const error = refused;
      const details = { host: error.host, address: error.address, refusal: error.refusal };
      auditRequest(request, {
        appId: input.appId,
        action,
        target: input.appId,
        status: 400,
        errorCode: 'KII_TARGET_REFUSED',
        details: { ...described(input), ...details },
      });
      throw new ApiError(400, 'KII_TARGET_REFUSED', error.message, details);
    }
    // A token cached under the same client ID would pass without asking Kii about the secret.
    kii.forget(input.appId);
    await auditedKiiCall(
      request,
      { appId: input.appId, action, target: input.appId, details: described(input) },
      () => kii.tokens.get(credentials),
      // Success is recorded by the caller, once the vault has stored the app.
      null,
      { toApiError: refusedCredentials },
    );
    return credentials;
  }

  /** Stores (or replaces) the app; the vault's own refusals (a race) still answer cleanly. */
  function stored(store: () => ConnectedAppSummary): ConnectedAppSummary {
    try {
      return store();
    } catch (error) {
      if (error instanceof ConnectedAppError) throw connectedAppApiError(error);
      throw error;
    }
  }

  app.get(
    '/apps',
    { schema: { response: { 200: { type: 'array', items: appSchema } } } },
    async (request) => {
      const { roles } = requireSession(request);
      return apps.list().flatMap((summary) => {
        const role = effectiveRole(roles, summary.appId);
        return role ? [{ ...summary, role }] : [];
      });
    },
  );

  app.post<{ Body: ConnectedAppInput }>(
    '/apps',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['appId', ...credentialsRequired],
          properties: { appId: appIdParam, ...credentialFields },
        },
        response: { 201: appSchema },
      },
    },
    async (request, reply) => {
      const signedIn = requireRole(request, ALL_APPS, 'admin');
      const input = request.body;
      if (apps.get(input.appId)) {
        throw new ApiError(409, 'APP_ALREADY_CONNECTED', `App ${input.appId} is already connected`);
      }
      const credentials = await verified(request, input, 'app.connect');
      const summary = stored(() => apps.add(input, signedIn.person.login));
      const learned = await monitors.learnBrokers(credentials, signedIn.person.login);
      auditRequest(request, {
        appId: input.appId,
        action: 'app.connect',
        target: input.appId,
        status: 201,
        details: { ...described(input), ...learned },
      });
      return reply.code(201).send(summary);
    },
  );

  app.put<{ Params: { appId: string }; Body: CredentialsBody }>(
    '/apps/:appId',
    {
      schema: {
        params: appParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: credentialsRequired,
          properties: credentialFields,
        },
        response: { 200: appSchema },
      },
    },
    async (request) => {
      const { appId } = request.params;
      const signedIn = requireRole(request, appId, 'admin');
      if (!apps.get(appId)) throw appNotConnected(appId);
      const input = { ...request.body, appId };
      const credentials = await verified(request, input, 'app.replace');
      const summary = stored(() => apps.replace(input));
      kii.forget(appId);
      // The app may now live on another server: its broker origins are learned again.
      brokers.forgetApp(appId);
      const learned = await monitors.learnBrokers(credentials, signedIn.person.login);
      auditRequest(request, {
        appId,
        action: 'app.replace',
        target: appId,
        status: 200,
        details: { ...described(input), ...learned },
      });
      return summary;
    },
  );

  app.delete<{ Params: { appId: string } }>(
    '/apps/:appId',
    { schema: { params: appParams } },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'admin');
      const removed = apps.remove(appId);
      kii.forget(appId);
      brokers.forgetApp(appId);
      auditRequest(request, {
        appId,
        action: 'app.remove',
        target: appId,
        status: removed ? 204 : 404,
        ...(removed ? {} : { errorCode: 'APP_NOT_CONNECTED' }),
      });
      if (!removed) throw appNotConnected(appId);
      // The registry keeps the app's rows: reconnecting the app finds them again.
      return reply.code(204).send();
    },
  );
};

/**
 * Kii refusing the token request means the credentials typed in are wrong (or the app ID, app
 * key or site): a 400 for the admin to fix, with Kii's status and errorCode in `details.kii`.
 * Kii unreachable or failing stays a 502/504.
 */
function refusedCredentials(error: KiiCallError): ApiError {
  if (error.status >= 400 && error.status < 500) {
    return new ApiError(
      400,
      'KII_CREDENTIALS_REFUSED',
      `Kii refused these credentials (HTTP ${error.status} ${error.errorCode}); check the site, app ID, app key, client ID and client secret`,
      { kii: kiiOutcome(error) },
    );
  }
  return kiiApiError(error);
}
