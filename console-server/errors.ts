import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console server's one error envelope, for every refusal and failure of its API:
 *
 *     HTTP <status>
 *     {"error": {"code": "SIGN_IN_LOCKED", "message": "…", "details": {…}}}
 *
 * `code` is a stable upper-case name the console switches on; `message` is English for people
 * and logs; `details` (optional) carries machine-readable extras such as the invalid fields or
 * the seconds until a lock-out ends. This is deliberately not Kii's envelope (`errorCode` at the
 * top level): the console must tell a refusal by its own server from a Kii error relayed by it,
 * which later routes will carry as `details.kii`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(error: ApiError): string {
  const envelope: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    },
  };
  return JSON.stringify(envelope);
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.status === 429 && typeof error.details?.['retryAfterSeconds'] === 'number') {
    reply.header('retry-after', String(error.details['retryAfterSeconds']));
  }
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(errorBody(error));
}

/** Shorthands for the errors routes raise most. */
export const apiErrors = {
  unauthenticated: () =>
    new ApiError(401, 'UNAUTHENTICATED', 'Sign in first; the session is missing or has ended'),
  forbidden: (message: string, details?: Record<string, unknown>) =>
    new ApiError(403, 'FORBIDDEN', message, details),
  csrf: (message: string) => new ApiError(403, 'CSRF_REFUSED', message),
  notFound: (message: string) => new ApiError(404, 'NOT_FOUND', message),
  conflict: (message: string) => new ApiError(409, 'CONFLICT', message),
  invalid: (field: string, reason: string) =>
    new ApiError(400, 'INVALID_INPUT', `Invalid input: ${field} ${reason}`, {
      fields: { [field]: reason },
    }),
};

/** Validation errors name each offending field (`body.login`, `querystring.limit`). */
function validationError(error: FastifyError): ApiError {
  const fields: Record<string, string> = {};
  for (const item of error.validation ?? []) {
    const params = item.params as { missingProperty?: string; additionalProperty?: string };
    const named = params.missingProperty ?? params.additionalProperty;
    const path = (item.instancePath || '').replace(/^\//, '').replaceAll('/', '.');
    const field = [error.validationContext, path, named].filter(Boolean).join('.');
    const reason =
      params.additionalProperty !== undefined
        ? 'is not a known field'
        : (item.message ?? 'invalid');
    fields[field || 'body'] = reason;
  }
  const names = Object.keys(fields).join(', ');
  return new ApiError(400, 'INVALID_INPUT', `Invalid input: ${names}`, { fields });
}

/** Maps fastify's own errors (parser, limits) to the envelope; the rest is a 500. */
function fromFastify(error: FastifyError): ApiError | undefined {
  if (error.validation) return validationError(error);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON (application/json)');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(error.statusCode, 'BAD_REQUEST', error.message);
  }
  return undefined;
}

/** The one error handler: every failure leaves the server in the envelope. */
export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) return sendApiError(reply, error);
  const mapped = fromFastify(error);
  if (mapped) return sendApiError(reply, mapped);
  request.log.error(error);
  return sendApiError(reply, new ApiError(500, 'INTERNAL', 'Internal server error'));
}
