import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import { requireSelfOrAdmin, requireToken } from '../auth';
import { KiiHttpError, kiiErrors } from '../errors';
import { hashPassword } from '../ids';
import type { NewUser, UserRow } from '../repositories/principals';
import { forgetPrincipal } from '../push/forget-principal';
import { checkCustomFields, checkReservedFields, readStoredFields } from './client-json';
import { userNotFound } from './principal-refs';
import { appParams, errorResponses, noContent, paramsWith } from './schemas';

const registrationBody = {
  type: 'object',
  required: ['password'],
  properties: {
    loginName: { type: 'string', pattern: '^[a-zA-Z0-9_.@-]{3,64}$' },
    emailAddress: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
    phoneNumber: { type: 'string', pattern: '^\\+?[0-9-]{4,32}$' },
    displayName: { type: 'string', maxLength: 50 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    locale: { type: 'string', maxLength: 16 },
    password: { type: 'string', minLength: 4, maxLength: 50 },
  },
  anyOf: [
    { required: ['loginName'] },
    { required: ['emailAddress'] },
    { required: ['phoneNumber'] },
  ],
  additionalProperties: true,
} as const;

const userResponse = {
  type: 'object',
  properties: {
    userID: { type: 'string' },
    internalUserID: { type: 'integer' },
    loginName: { type: 'string' },
    displayName: { type: 'string' },
    country: { type: 'string' },
    locale: { type: 'string' },
    emailAddress: { type: 'string' },
    emailAddressVerified: { type: 'boolean' },
    phoneNumber: { type: 'string' },
    phoneNumberVerified: { type: 'boolean' },
    _hasPassword: { type: 'boolean' },
    _created: { type: 'integer' },
    _modified: { type: 'integer' },
  },
  additionalProperties: true,
} as const;

const systemFields = new Set([
  'loginName',
  'emailAddress',
  'phoneNumber',
  'displayName',
  'country',
  'locale',
  'password',
]);

/**
 * Names the answer owns (userResponse's properties): a custom field of that name is refused
 * on registration, and dropped on read, since its value could break the typed answer.
 */
const answerFields = new Set(Object.keys(userResponse.properties));

/** Custom fields never start with `_` (docs/kii-api.md §4.3): none is a client's to set. */
const noReservedFields = new Map<string, never>();

function isCustomField(name: string): boolean {
  return !name.startsWith('_') && !answerFields.has(name);
}

/** The user as Kii returns it; other users see only ID, login and display name (docs/kii-api.md §4.4). */
function userJson(row: UserRow, full: boolean) {
  const base = {
    userID: row.id,
    ...(row.login_name ? { loginName: row.login_name } : {}),
    ...(row.display_name ? { displayName: row.display_name } : {}),
  };
  if (!full) return base;
  return {
    ...readStoredFields(row.custom_json, isCustomField),
    ...base,
    internalUserID: row.internal_id,
    ...(row.email ? { emailAddress: row.email, emailAddressVerified: true } : {}),
    ...(row.phone ? { phoneNumber: row.phone, phoneNumberVerified: true } : {}),
    ...(row.country ? { country: row.country } : {}),
    ...(row.locale ? { locale: row.locale } : {}),
    _hasPassword: true,
    _created: row.created_at,
    _modified: row.modified_at,
  };
}

export const userRoutes: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  const { config, users } = app.kii;

  app.post(
    '/users',
    {
      schema: {
        params: appParams,
        body: registrationBody,
        response: { 201: userResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal.type === 'user' || principal.type === 'thing')
        throw kiiErrors.unauthorized(config.appId, principal.id);
      const { password, ...body } = request.body;
      const custom = Object.fromEntries(
        Object.entries(body).filter(([key]) => !systemFields.has(key)),
      );
      checkReservedFields(custom, noReservedFields);
      const answerField = Object.keys(custom).find((key) => answerFields.has(key));
      if (answerField) throw kiiErrors.invalid(answerField, 'is set by the server');
      checkCustomFields(custom);
      refuseTakenNames(body);
      const passwordHash = await hashPassword(password);
      // Checked again: another registration of the same names may have finished while hashing.
      refuseTakenNames(body);
      const row = users.create({ ...body, custom }, passwordHash);
      reply
        .code(201)
        .type('application/vnd.kii.RegistrationResponse+json; charset=utf-8')
        .header('location', `/apps/${config.appId}/users/${row.id}`);
      return userJson(row, true);
    },
  );

  function refuseTakenNames(user: Omit<NewUser, 'custom'>) {
    for (const [field, value, lookup] of [
      ['loginName', user.loginName, `LOGIN_NAME:${user.loginName}`],
      ['emailAddress', user.emailAddress, `EMAIL:${user.emailAddress}`],
      ['phoneNumber', user.phoneNumber, `PHONE:${user.phoneNumber}`],
    ] as const) {
      if (value !== undefined && users.find(lookup)) {
        throw new KiiHttpError(
          409,
          'USER_ALREADY_EXISTS',
          `A user with ${field} ${value} already exists`,
          { field, value },
        );
      }
    }
  }

  app.get(
    '/users/me',
    { schema: { params: appParams, response: { 200: userResponse, ...errorResponses } } },
    async (request, reply) => {
      const principal = requireToken(request, config.appId);
      // There is no "me" for the app admin or a thing (docs/kii-api.md §3).
      if (principal.type !== 'user') throw kiiErrors.unauthorized(config.appId, principal.id);
      const row = users.find(principal.id);
      if (!row) throw kiiErrors.userNotFound(config.appId, 'userID', principal.id);
      reply.type('application/vnd.kii.UserDataRetrievalResponse+json; charset=utf-8');
      return userJson(row, true);
    },
  );

  app.get(
    '/users/:userRef',
    {
      schema: { params: paramsWith('userRef'), response: { 200: userResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const principal = requireToken(request, config.appId);
      const row = users.find(request.params.userRef);
      if (!row) throw userNotFound(config.appId, request.params.userRef);
      const full = principal.type === 'admin' || principal.id === row.id;
      reply.type('application/vnd.kii.UserDataRetrievalResponse+json; charset=utf-8');
      return userJson(row, full);
    },
  );

  app.delete(
    '/users/:userRef',
    { schema: { params: paramsWith('userRef'), response: { 204: noContent, ...errorResponses } } },
    async (request, reply) => {
      const ref =
        request.params.userRef === 'me' && request.principal.type === 'user'
          ? request.principal.id
          : request.params.userRef;
      const row = users.find(ref);
      if (!row) {
        requireToken(request, config.appId);
        throw userNotFound(config.appId, ref);
      }
      requireSelfOrAdmin(request, config.appId, { type: 'user', id: row.id });
      forgetPrincipal(app.kii, 'user', row.id);
      return reply.code(204).send();
    },
  );
};
