import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Kii's error envelope, built in one place: `{errorCode, message, ...extra}` with the
 * `application/vnd.kii.<Name>Exception+json` media type that Kii Cloud uses for that code.
 */
export class KiiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** errorCode → exception name in the media type (docs/kii-api.md §2.1, §2.3). */
const exceptionNames: Record<string, string> = {
  APP_NOT_FOUND: 'AppNotFound',
  UNAUTHORIZED: 'UnauthorizedAccess',
  WRONG_TOKEN: 'WrongToken',
  INVALID_INPUT_DATA: 'Validation',
  INVALID_JSON: 'InvalidJson',
  INSTALLATION_NOT_FOUND: 'InstallationNotFound',
  MQTT_ENDPOINT_NOT_READY: 'MqttEndpointNotReady',
  MQTT_ENDPOINT_NOT_FOUND: 'MqttEndpointNotFound',
  USER_NOT_FOUND: 'UserNotFound',
  USER_ALREADY_EXISTS: 'UserAlreadyExists',
  THING_NOT_FOUND: 'ThingNotFound',
  THING_ALREADY_EXISTS: 'ThingAlreadyExists',
  TOPIC_NOT_FOUND: 'TopicNotFound',
  TOPIC_ALREADY_EXISTS: 'TopicAlreadyExists',
  TOPIC_LIMIT_EXCEEDED: 'TopicLimitExceeded',
  PUSH_SUBSCRIPTION_NOT_FOUND: 'PushSubscriptionNotFound',
  PUSH_SUBSCRIPTION_ALREADY_EXISTS: 'PushSubscriptionAlreadyExists',
  // The local server's delivery trace extension (docs/kii-api.md §13), not a Kii Cloud code.
  PUSH_MESSAGE_NOT_FOUND: 'PushMessageNotFound',
  GROUP_NOT_FOUND: 'GroupNotFound',
  NOT_FOUND: 'NotFound',
  REQUEST_ENTITY_TOO_LARGE: 'RequestEntityTooLarge',
  UNSUPPORTED_MEDIA_TYPE: 'UnsupportedMediaType',
  URI_TOO_LONG: 'UriTooLong',
  REQUEST_TIMEOUT: 'RequestTimeout',
  REQUEST_HEADER_FIELDS_TOO_LARGE: 'RequestHeaderFieldsTooLarge',
  MISDIRECTED_REQUEST: 'MisdirectedRequest',
  TOO_MANY_REQUESTS: 'TooManyRequests',
  EXPECTATION_FAILED: 'ExpectationFailed',
  UNDEFINED_ERROR: 'Undefined',
};

/**
 * The SDK runs `decodeURIComponent` over error bodies and over the thing, installation and
 * endpoint bodies (docs/kii-api.md §1.3): a bare `%` makes it throw (a success callback then never
 * settles) and a valid `%XX` is silently decoded. Escaping `%` as `%25` decodes back to the
 * original text. Used for every body the SDK decodes that can carry a client's own text.
 */
export function escapePercent<T>(value: T): T;
export function escapePercent(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('%', '%25');
  if (Array.isArray(value)) return value.map(escapePercent);
  if (value && typeof value === 'object') {
    // Keys too: the SDK decodes the whole body text, field names included.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [escapePercent(k), escapePercent(v)]),
    );
  }
  return value;
}

/** The envelope's body and media type, for the places that write raw HTTP (parser errors). */
export function kiiErrorBody(error: KiiHttpError): { body: string; type: string } {
  const name = exceptionNames[error.errorCode] ?? 'Kii';
  const body = escapePercent({
    errorCode: error.errorCode,
    message: error.message,
    ...error.extra,
  });
  // With the charset given, fastify keeps the type as written; otherwise it lowercases it
  // while appending one (`installationnotfoundexception`), unlike Kii's media types.
  return {
    body: JSON.stringify(body),
    type: `application/vnd.kii.${name}Exception+json; charset=utf-8`,
  };
}

export function sendKiiError(reply: FastifyReply, error: KiiHttpError): FastifyReply {
  const { body, type } = kiiErrorBody(error);
  return reply.code(error.status).type(type).send(body);
}

/** Validation errors name each offending field, as Kii's `invalidFields` does. */
function validationError(error: FastifyError): KiiHttpError {
  const invalidFields: Record<string, string> = {};
  for (const item of error.validation ?? []) {
    // `required` names the missing field and `additionalProperties` the unknown one in params;
    // every other keyword points at the field through the instance path.
    const params = item.params as { missingProperty?: string; additionalProperty?: string };
    const named = params.missingProperty ?? params.additionalProperty;
    const path = (item.instancePath || '').replace(/^\//, '').replaceAll('/', '.');
    const field = named
      ? [path, named].filter(Boolean).join('.')
      : path || error.validationContext || 'body';
    invalidFields[field] = item.message ?? 'invalid';
  }
  const names = Object.keys(invalidFields).join(', ');
  return new KiiHttpError(400, 'INVALID_INPUT_DATA', `Invalid input data: ${names}`, {
    invalidFields,
  });
}

/** The one error handler: every failure leaves the server as a Kii error envelope. */
export function kiiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof KiiHttpError) return sendKiiError(reply, error);
  if (error.validation) return sendKiiError(reply, validationError(error));
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendKiiError(
        reply,
        new KiiHttpError(413, 'REQUEST_ENTITY_TOO_LARGE', 'The request body is too large'),
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendKiiError(
        reply,
        new KiiHttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Unsupported media type: ${request.headers['content-type']}`,
        ),
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendKiiError(
        reply,
        new KiiHttpError(400, 'INVALID_JSON', 'The request body is not valid JSON'),
      );
  }
  if (error.statusCode && error.statusCode < 500) {
    return sendKiiError(
      reply,
      new KiiHttpError(error.statusCode, 'INVALID_INPUT_DATA', error.message),
    );
  }
  request.log.error(error);
  return sendKiiError(reply, new KiiHttpError(500, 'UNDEFINED_ERROR', 'Internal server error'));
}

/** Shorthands for the errors routes raise most. */
export const kiiErrors = {
  unauthorized: (appID: string, principalID?: string) =>
    new KiiHttpError(401, 'UNAUTHORIZED', 'The user is not authorized', {
      authenticatedAppID: appID,
      ...(principalID ? { authenticatedPrincipalID: principalID } : {}),
    }),
  wrongToken: (appID: string, accessToken: string) =>
    new KiiHttpError(403, 'WRONG_TOKEN', 'The provided token is not valid', { appID, accessToken }),
  invalid: (field: string, reason: string) =>
    new KiiHttpError(400, 'INVALID_INPUT_DATA', `Invalid input data: ${field} ${reason}`, {
      invalidFields: { [field]: reason },
    }),
  userNotFound: (appID: string, field: string, value: string) =>
    new KiiHttpError(404, 'USER_NOT_FOUND', `User ${field} ${value} was not found`, {
      appID,
      field,
      value,
    }),
  thingNotFound: (appID: string, field: string, value: string) =>
    new KiiHttpError(404, 'THING_NOT_FOUND', `Thing ${field} ${value} was not found`, {
      appID,
      field,
      value,
    }),
};
