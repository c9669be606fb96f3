import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../people/passwords';
import { ROLES } from '../people/roles';

/**
 * JSON schemas shared by the route plugins. Bodies refuse unknown fields (additionalProperties
 * false, with ajv's removeAdditional off) and types are never coerced, so a mistake is a 400
 * naming the field rather than a silent drop.
 */
export const loginSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  // Lower-case letters, digits and . _ @ -: safe in audit rows, CSV and URLs.
  pattern: '^[a-z0-9][a-z0-9._@-]*$',
} as const;

export const displayNameSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;

export const newPasswordSchema = {
  type: 'string',
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
} as const;

/** An app ID as Kii issues them, or '*' for every app. */
export const appIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9_-]*)$',
} as const;

export const roleGrantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['appId', 'role'],
  properties: { appId: appIdSchema, role: { type: 'string', enum: ROLES } },
} as const;

export const rolesSchema = { type: 'array', maxItems: 1000, items: roleGrantSchema } as const;

/** A person in answers. The response schema also keeps anything else (a hash) out of them. */
export const personSchema = {
  type: 'object',
  required: ['id', 'login', 'displayName', 'disabled', 'hasPassword', 'createdAt', 'modifiedAt'],
  properties: {
    id: { type: 'integer' },
    login: { type: 'string' },
    displayName: { type: 'string' },
    disabled: { type: 'boolean' },
    hasPassword: { type: 'boolean' },
    createdAt: { type: 'integer' },
    modifiedAt: { type: 'integer' },
  },
} as const;

export const personWithRolesSchema = {
  type: 'object',
  required: [...personSchema.required, 'roles'],
  properties: { ...personSchema.properties, roles: rolesSchema },
} as const;

/** The envelope of errors/ApiError, for documenting non-2xx answers. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;
