import type { FastifyRequest } from 'fastify';
import { auditRequest } from '../access/request-audit';
import { ConnectedAppError } from '../apps/connected-apps';
import { ApiError, apiErrors } from '../errors';
import type { KiiAppCredentials } from '../kii/admin-tokens';
import { parseInstallationRef, type InstallationRef } from '../kii/installation-ref';
import { KiiCallError } from '../kii/kii-call-error';

/** What the console and the audit trail learn of a Kii failure: never a token or secret. */
export interface KiiOutcome {
  /** Kii's HTTP status; 0 when no answer arrived. */
  status: number;
  /** Kii's errorCode, or the client's own (NETWORK_ERROR, TIMEOUT, INVALID_RESPONSE...). */
  errorCode: string;
}

export function kiiOutcome(error: KiiCallError): KiiOutcome {
  return { status: error.status, errorCode: error.errorCode };
}

/**
 * A Kii failure as this server's answer, with `details.kii`. Kii's 401 and 403 (after the
 * client's one retry with a fresh token) mostly mean the app's stored credentials no longer
 * work, not that the person's session ended: relayed as they are, the console would sign the
 * person out, so they become 502 KII_DENIED like every other failure of the server behind this
 * one. Kii's other 4xx are relayed, since they name what the caller sent.
 */
export function kiiApiError(error: KiiCallError): ApiError {
  const { status } = error;
  const [answer, code] =
    status === 0
      ? error.errorCode === 'TIMEOUT'
        ? [504, 'KII_TIMEOUT']
        : [502, 'KII_UNREACHABLE']
      : status === 401 || status === 403
        ? [502, 'KII_DENIED']
        : status === 404
          ? [404, 'KII_NOT_FOUND']
          : status >= 400 && status < 500
            ? [status, 'KII_REFUSED']
            : status >= 500
              ? [502, 'KII_UNAVAILABLE']
              : [502, 'KII_INVALID_RESPONSE'];
  // The message is the client's, already scrubbed of the token and secret the call used.
  return new ApiError(answer, code, error.message, { kii: kiiOutcome(error) });
}

/** A Kii read (not audited): a Kii failure becomes the envelope with `details.kii`. */
export async function kiiRead<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof KiiCallError) throw kiiApiError(error);
    throw error;
  }
}

/** What a route does, for its audit row. */
export interface AuditedAction {
  appId: string | null;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

/** How a success is recorded: the answer's status, and what is worth keeping. */
export interface ActionSuccess {
  status: number;
  target?: string;
  details?: Record<string, unknown>;
}

/**
 * Runs one Kii action and writes its audit row whatever happens: on success with `success`'s
 * status and details; on a Kii failure with Kii's status and errorCode (`details.kii`), answered
 * in the envelope (`toApiError` may word it for the route); on an ApiError the call raised with
 * its status and code; on any other failure as a 500.
 */
export async function auditedKiiCall<T>(
  request: FastifyRequest,
  action: AuditedAction,
  call: () => Promise<T>,
  /** Null when the caller records the success itself, after more work. */
  success: ((result: T) => ActionSuccess) | null,
  options: {
    onKiiFailure?: (error: KiiCallError) => void;
    toApiError?: (error: KiiCallError) => ApiError;
  } = {},
): Promise<T> {
  let result: T;
  try {
    result = await call();
  } catch (error) {
    if (error instanceof ApiError) {
      // A refusal of this server's own along the way (e.g. not an MQTT installation).
      auditRequest(request, { ...action, status: error.status, errorCode: error.code });
      throw error;
    }
    if (!(error instanceof KiiCallError)) {
      auditRequest(request, { ...action, status: 500, errorCode: 'INTERNAL' });
      throw error;
    }
    options.onKiiFailure?.(error);
    const answer = (options.toApiError ?? kiiApiError)(error);
    auditRequest(request, {
      ...action,
      status: answer.status,
      errorCode: error.errorCode,
      details: { ...action.details, kii: kiiOutcome(error) },
    });
    throw answer;
  }
  if (!success) return result;
  const outcome = success(result);
  auditRequest(request, {
    ...action,
    target: outcome.target ?? action.target,
    status: outcome.status,
    details: { ...action.details, ...outcome.details },
  });
  return result;
}

/** The app's credentials from the vault, or 404 when it is not connected. */
export function connectedApp(request: FastifyRequest, appId: string): KiiAppCredentials {
  const credentials = request.server.team.apps.credentials(appId);
  if (!credentials) throw appNotConnected(appId);
  return credentials;
}

export function appNotConnected(appId: string): ApiError {
  return new ApiError(404, 'APP_NOT_CONNECTED', `App ${appId} is not connected`);
}

/** The vault's refusals (bad input, an app connected twice) as answers. */
export function connectedAppApiError(error: ConnectedAppError): ApiError {
  if (error.code === 'APP_NOT_CONNECTED') return new ApiError(404, error.code, error.message);
  if (error.code === 'APP_ALREADY_CONNECTED') return new ApiError(409, error.code, error.message);
  return new ApiError(400, error.code, error.message);
}

/** An installation ID or `deviceType:registrationID` from a path or body, or 400. */
export function installationRef(text: string, field: string): InstallationRef {
  const ref = parseInstallationRef(text);
  if (!ref)
    throw apiErrors.invalid(field, 'is neither an installation ID nor deviceType:registrationID');
  return ref;
}

/** The path parameter every app route has; the pattern is the one roles are granted on. */
export const appIdParam = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
} as const;

export const appParams = {
  type: 'object',
  required: ['appId'],
  properties: { appId: appIdParam },
} as const;

/** `:ref` in a path; 200 characters is the router's limit (maxParamLength in app.ts). */
export const installationParams = {
  type: 'object',
  required: ['appId', 'ref'],
  properties: { appId: appIdParam, ref: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
