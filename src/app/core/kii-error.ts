import { HttpErrorResponse } from '@angular/common/http';

import { teamErrorMessage } from './team/team-error-text';

/** What went wrong, in the terms an operator can act on. */
export type KiiErrorKind =
  | 'network'
  | 'auth'
  | 'not-found'
  | 'conflict'
  | 'not-ready'
  | 'invalid'
  | 'forbidden'
  | 'server'
  | 'unknown';

/**
 * The one error the console's services emit: whatever the Kii SDK or HttpClient threw,
 * converted by `toKiiError`. Components never see raw SDK errors.
 */
export interface KiiError {
  readonly kind: KiiErrorKind;
  /** Kii's `errorCode` (`APP_NOT_FOUND`, `invalid_grant`, ...) when the server sent one. */
  readonly errorCode?: string;
  /** HTTP status; 0 when the server was not reached, -1 when no request was made. */
  readonly status: number;
  /** Human message for the operator, in the console's language. */
  readonly message: string;
  /** The server's or SDK's own text, untranslated, for the details line. */
  readonly detail?: string;
  /**
   * Seconds until trying again can succeed (a sign-in lock-out), from the console server's
   * `Retry-After` header or its `details.retryAfterSeconds`.
   */
  readonly retryAfterSeconds?: number;
}

/** True for values produced by `toKiiError` (so converting twice is harmless). */
export function isKiiError(value: unknown): value is KiiError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<KiiError>;
  return (
    typeof candidate.kind === 'string' &&
    typeof candidate.status === 'number' &&
    typeof candidate.message === 'string' &&
    !(value instanceof Error)
  );
}

/** Builds a `KiiError` the console raises itself (a malformed answer, a missing session). */
export function makeKiiError(
  kind: KiiErrorKind,
  init: { status?: number; errorCode?: string; detail?: string; retryAfterSeconds?: number } = {},
): KiiError {
  return {
    kind,
    ...(init.errorCode ? { errorCode: init.errorCode } : {}),
    status: init.status ?? -1,
    message: kiiErrorMessage(kind, init.errorCode, init.retryAfterSeconds),
    ...(init.detail ? { detail: init.detail } : {}),
    ...(init.retryAfterSeconds !== undefined ? { retryAfterSeconds: init.retryAfterSeconds } : {}),
  };
}

/** Converts anything the SDK, HttpClient or fetch threw into a `KiiError`. */
export function toKiiError(error: unknown): KiiError {
  if (isKiiError(error)) return error;
  if (error instanceof HttpErrorResponse) return fromHttpError(error);
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return build(0, undefined, error.message);
  }
  const text =
    typeof error === 'string' ? error : error instanceof Error ? error.message : undefined;
  if (text === undefined || text === '') return build(-1, undefined, undefined, 'unknown');
  return fromSdkMessage(text);
}

/**
 * A Kii failure known only by Kii's status and errorCode, as the console server relays one item
 * of a bulk run (status 0 when Kii never answered).
 */
export function kiiErrorOf(status: number, errorCode?: string): KiiError {
  return build(status, errorCode, undefined, 'unknown');
}

/**
 * Human message per kind; a few Kii error codes get a more precise one.
 * Exported so a page can show the generic text for a kind it produces itself.
 */
export function kiiErrorMessage(
  kind: KiiErrorKind,
  errorCode?: string,
  retryAfterSeconds?: number,
): string {
  const team = errorCode ? teamErrorMessage(errorCode, retryAfterSeconds) : undefined;
  if (team) return team;
  switch (errorCode) {
    case 'APP_NOT_FOUND':
      return $localize`:Error shown when Kii answers APP_NOT_FOUND@@kpc.error.appNotFound:The app was not found. Check the app ID and the site.`;
    case 'USER_NOT_FOUND':
      return $localize`:Error shown when Kii answers USER_NOT_FOUND@@kpc.error.userNotFound:The user was not found.`;
    case 'THING_NOT_FOUND':
      return $localize`:Error shown when Kii answers THING_NOT_FOUND@@kpc.error.thingNotFound:The thing was not found.`;
    case 'INSTALLATION_NOT_FOUND':
      return $localize`:Error shown when Kii answers INSTALLATION_NOT_FOUND@@kpc.error.installationNotFound:The installation was not found.`;
    case 'WRONG_TOKEN':
      return $localize`:Error shown when the access token was refused@@kpc.error.wrongToken:The access token is no longer valid. Sign in again.`;
  }
  switch (kind) {
    case 'network':
      return $localize`:Error shown when the Kii server cannot be reached@@kpc.error.network:The server could not be reached. Check the base URL and that the server is running.`;
    case 'auth':
      return $localize`:Error shown when credentials or the token were refused@@kpc.error.auth:Authentication failed. Check the credentials, or sign in again.`;
    case 'not-found':
      return $localize`:Error shown when a Kii resource does not exist@@kpc.error.notFound:It was not found.`;
    case 'conflict':
      return $localize`:Error shown when a Kii resource already exists@@kpc.error.conflict:It already exists or conflicts with the current state.`;
    case 'not-ready':
      return $localize`:Error shown when the MQTT endpoint is still being prepared@@kpc.error.notReady:The MQTT endpoint is not ready yet. Try again in a few seconds.`;
    case 'invalid':
      return $localize`:Error shown when the request was rejected as invalid@@kpc.error.invalid:The request was rejected as invalid.`;
    case 'forbidden':
      return $localize`:Error shown when the principal may not do this@@kpc.error.forbidden:The signed-in principal is not allowed to do this.`;
    case 'server':
      return $localize`:Error shown when the Kii server failed@@kpc.error.server:The server failed to answer. Try again later.`;
    case 'unknown':
      return $localize`:Error shown when the cause is not known@@kpc.error.unknown:Something went wrong.`;
  }
}

// errorCode → HTTP status, from the SDK's own table (KiiErrorParser SERVER_ERROR_CODES), for
// the SDK error strings that carry a code but no status (`"<CODE>: <message>"`).
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_grant: 400,
  OAUTH2_ERROR: 400,
  INVALID_INPUT_DATA: 400,
  INVALID_JSON: 400,
  MISSING_DATA: 400,
  UNAUTHORIZED: 401,
  AUTHENTICATION_FAILED: 401,
  WRONG_PASSWORD: 401,
  USER_DISABLED: 401,
  THING_DISABLED: 401,
  APP_DISABLED: 403,
  WRONG_TOKEN: 403,
  WRONG_REFRESH_TOKEN: 403,
  OPERATION_NOT_SUPPORTED: 403,
  APP_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  THING_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  INSTALLATION_NOT_FOUND: 404,
  MQTT_ENDPOINT_NOT_FOUND: 404,
  TOPIC_NOT_FOUND: 404,
  PUSH_SUBSCRIPTION_NOT_FOUND: 404,
  BUCKET_NOT_FOUND: 404,
  FILTER_NOT_FOUND: 404,
  USER_ALREADY_EXISTS: 409,
  THING_ALREADY_EXISTS: 409,
  INSTALLATION_ALREADY_EXISTS: 409,
  TOPIC_ALREADY_EXISTS: 409,
  PUSH_SUBSCRIPTION_ALREADY_EXISTS: 409,
  OPERATION_NOT_ALLOWED: 409,
  TOO_MANY_REQUESTS: 429,
  UNDEFINED_ERROR: 500,
  OPERATION_NOT_IMPLEMENTED: 501,
  MQTT_ENDPOINT_NOT_READY: 503,
  RESOURCE_TEMPORARILY_UNAVAILABLE: 503,
  TEMPORARY_UNAVAILABLE_ERROR: 503,
};

// Codes whose kind is not what their status alone says.
const KIND_BY_CODE: Readonly<Record<string, KiiErrorKind>> = {
  invalid_grant: 'auth',
  OAUTH2_ERROR: 'auth',
  WRONG_TOKEN: 'auth',
  WRONG_REFRESH_TOKEN: 'auth',
  MQTT_ENDPOINT_NOT_READY: 'not-ready',
};

// `KiiXHRWrapper.getErrorString`:
// "<action> failed. statusCode: <n>[ error code: <C>][ message: <m>]"
const WRAPPER_ERROR =
  /^(.*?) ?failed\. statusCode: (\d{1,3})(?: error code: (\S+))?(?: message: (.*))?$/s;
// `KiiRequest` without a JSON body: "<status> : <url>" ("0 : http..." is a network failure).
const REQUEST_STATUS_ERROR = /^(\d{1,3}) : (\S+)$/;
// `KiiRequest` with a Kii error body: "<errorCode>: <message or error_description>".
const REQUEST_CODE_ERROR = /^([A-Za-z][A-Za-z0-9_]*): (.*)$/s;
// The SDK's client-side argument checks reject before any request is made.
const SDK_VALIDATION = /invalid|unable to set|should be|must be/i;

function fromSdkMessage(text: string): KiiError {
  const wrapper = WRAPPER_ERROR.exec(text);
  if (wrapper) {
    const status = Number(wrapper[2]);
    const code = wrapper[3];
    return build(status, code, wrapper[4] ?? text, undefined, wrapper[1]);
  }
  const bare = REQUEST_STATUS_ERROR.exec(text);
  if (bare) return build(Number(bare[1]), undefined, text);
  const coded = REQUEST_CODE_ERROR.exec(text);
  if (coded && (coded[1] in STATUS_BY_CODE || /^[A-Z_]+$/.test(coded[1]))) {
    const code = coded[1];
    return build(STATUS_BY_CODE[code] ?? -1, code, coded[2]);
  }
  return build(-1, undefined, text, SDK_VALIDATION.test(text) ? 'invalid' : 'unknown');
}

function fromHttpError(error: HttpErrorResponse): KiiError {
  const body = parseBody(error.error);
  const team = teamEnvelope(body);
  if (team) return fromTeamEnvelope(error, team);
  const code = typeof body?.['errorCode'] === 'string' ? body['errorCode'] : undefined;
  const serverText = body?.['message'] ?? body?.['error_description'];
  const detail = typeof serverText === 'string' ? serverText : error.message;
  return build(error.status, code, detail);
}

/** The console server's `{error: {code, message, details}}` (console-server/errors.ts). */
interface TeamEnvelope {
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

function teamEnvelope(body: Record<string, unknown> | undefined): TeamEnvelope | undefined {
  const inner = body?.['error'];
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { code, message, details } = inner as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  const extra = typeof details === 'object' && details !== null ? details : undefined;
  return { code, message, ...(extra ? { details: extra as Record<string, unknown> } : {}) };
}

/**
 * A refusal by the console server, or a Kii failure it relays (`details.kii`). The Kii
 * errorCode wins when there is one, so INSTALLATION_NOT_FOUND reads the same in both modes;
 * the status stays the console server's, which decides the kind (its 502 KII_DENIED must not
 * read as the person's own session ending).
 */
function fromTeamEnvelope(error: HttpErrorResponse, envelope: TeamEnvelope): KiiError {
  const kii = envelope.details?.['kii'] as { errorCode?: unknown } | undefined;
  const kiiCode = typeof kii?.errorCode === 'string' ? kii.errorCode : undefined;
  const code = kiiCode && kiiCode in STATUS_BY_CODE ? kiiCode : envelope.code;
  const header = Number(error.headers?.get('retry-after'));
  const detailed = Number(envelope.details?.['retryAfterSeconds']);
  const wait = Number.isFinite(header) && header > 0 ? header : detailed;
  const kind = (code === kiiCode && KIND_BY_CODE[code]) || kindForStatus(error.status) || 'unknown';
  return makeKiiError(kind, {
    status: error.status,
    errorCode: code,
    detail: envelope.message,
    ...(Number.isFinite(wait) && wait > 0 ? { retryAfterSeconds: Math.ceil(wait) } : {}),
  });
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
}

function build(
  status: number,
  errorCode: string | undefined,
  detail: string | undefined,
  fallbackKind?: KiiErrorKind,
  action?: string,
): KiiError {
  const kind =
    (errorCode && KIND_BY_CODE[errorCode]) ||
    kindForStatus(status, action) ||
    fallbackKind ||
    'unknown';
  return makeKiiError(kind, { status, errorCode, detail });
}

function kindForStatus(status: number, action?: string): KiiErrorKind | undefined {
  if (status === 0) return 'network';
  // The SDK retries `get mqtt endpoint` on 503 and gives up with this status.
  if (status === 503 && action?.startsWith('get mqtt endpoint')) return 'not-ready';
  if (status === 400) return 'invalid';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429 || status >= 500) return 'server';
  if (status > 400) return 'invalid';
  // A failure reported with a 2xx/3xx status means the answer itself was malformed.
  if (status >= 200) return 'server';
  return undefined;
}
