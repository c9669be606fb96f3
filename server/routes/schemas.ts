import type { JSONSchema } from 'json-schema-to-ts';

/** JSON schema pieces shared by the route plugins. */
export const appParams = {
  type: 'object',
  required: ['appID'],
  properties: { appID: { type: 'string' } },
} as const;

export function paramsWith<const K extends string>(...names: K[]) {
  return {
    type: 'object',
    required: ['appID', ...names],
    properties: {
      appID: { type: 'string' },
      ...Object.fromEntries(names.map((name) => [name, { type: 'string', minLength: 1 }])),
    } as Record<'appID' | K, { type: 'string' }>,
  } as const;
}

/**
 * 204 and other bodiless answers. Typed as any schema, not as `null`: the answer has no body to
 * type, and `reply.code(204).send()` then needs no payload.
 */
export const noContent: JSONSchema = { type: 'null' };

/** The Kii error envelope as a response schema. */
export const kiiError = {
  type: 'object',
  required: ['errorCode', 'message'],
  properties: { errorCode: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: true,
} as const;

export const errorResponses = {
  400: kiiError,
  401: kiiError,
  403: kiiError,
  404: kiiError,
  409: kiiError,
} as const;
