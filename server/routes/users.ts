import type { FastifyPluginAsync } from 'fastify';
import { requireSelfOrAdmin, requireToken } from '../auth';
import { KiiHttpError, kiiErrors } from '../errors';
import type { UserRow } from '../repositories/principals';
import { forgetPrincipal } from '../push/forget-principal';
import { appParams, errorResponses, noContent, paramsWith } from './schemas';

interface RegistrationBody {
  loginName?: string;
  emailAddress?: string;
  phoneNumber?: string;
  displayName?: string;
  country?: string;
  locale?: string;
  password: string;
  [custom: string]: unknown;
}

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

/** The user as Kii returns it; other users see only ID, login and display name (docs/kii-api.md §4.4). */
function userJson(row: UserRow, full: boolean) {
  const base = {
    userID: row.id,
    ...(row.login_name ? { loginName: row.login_name } : {}),
    ...(row.display_name ? { displayName: row.display_name } : {}),
  };
  if (!full) return base;
  return {
    ...JSON.parse(row.custom_json),
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

export const userRoutes: FastifyPluginAsync = async (app) => {
  const { config, users } = app.kii;

  app.post<{ Body: RegistrationBody; Params: { appID: string } }>(
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
      const body = request.body;
      const custom = Object.fromEntries(
        Object.entries(body).filter(([key]) => !systemFields.has(key)),
      );
      const reserved = Object.keys(custom).find((key) => key.startsWith('_'));
      if (reserved) throw kiiErrors.invalid(reserved, 'custom field names must not start with _');
      for (const [field, value, lookup] of [
        ['loginName', body.loginName, `LOGIN_NAME:${body.loginName}`],
        ['emailAddress', body.emailAddress, `EMAIL:${body.emailAddress}`],
        ['phoneNumber', body.phoneNumber, `PHONE:${body.phoneNumber}`],
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
      const row = users.create({ ...body, custom });
      reply
        .code(201)
        .type('application/vnd.kii.RegistrationResponse+json; charset=utf-8')
        .header('location', `/apps/${config.appId}/users/${row.id}`);
      return userJson(row, true);
    },
  );

  app.get<{ Params: { appID: string } }>(
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

  app.get<{ Params: { appID: string; userRef: string } }>(
    '/users/:userRef',
    {
      schema: { params: paramsWith('userRef'), response: { 200: userResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const principal = requireToken(request, config.appId);
      const row = users.find(request.params.userRef);
      if (!row) throw kiiErrors.userNotFound(config.appId, 'userID', request.params.userRef);
      const full = principal.type === 'admin' || principal.id === row.id;
      reply.type('application/vnd.kii.UserDataRetrievalResponse+json; charset=utf-8');
      return userJson(row, full);
    },
  );

  app.delete<{ Params: { appID: string; userRef: string } }>(
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
        throw kiiErrors.userNotFound(config.appId, 'userID', ref);
      }
      requireSelfOrAdmin(request, config.appId, { type: 'user', id: row.id });
      forgetPrincipal(app.kii, 'user', row.id);
      return reply.code(204).send();
    },
  );
};
