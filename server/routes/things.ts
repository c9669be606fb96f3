import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import { requireSelfOrAdmin, requireToken } from '../auth';
import { escapePercent, KiiHttpError, kiiErrors } from '../errors';
import { hashPassword } from '../ids';
import type { ThingRow } from '../repositories/principals';
import { forgetPrincipal } from '../push/forget-principal';
import {
  checkCustomFields,
  checkReservedFields,
  isStorableField,
  readStoredFields,
  type ReservedFieldType,
} from './client-json';
import { thingNotFound } from './principal-refs';
import { appParams, errorResponses, noContent, paramsWith } from './schemas';

/**
 * The `_` fields a client may store on a thing, by type (docs/kii-api.md §4.5). Every other
 * `_` field is the server's (`_thingID`, `_created`, `_online`, ...) and is refused.
 */
const clientThingFields: ReadonlyMap<string, ReservedFieldType> = new Map([
  ...(['_thingType', '_vendor', '_firmwareVersion', '_productName', '_lot'] as const).map(
    (name) => [name, 'string'] as const,
  ),
  ['_layoutPosition', 'string'],
  ...[1, 2, 3, 4, 5].map((n) => [`_stringField${n}`, 'string'] as const),
  ...[1, 2, 3, 4, 5].map((n) => [`_numberField${n}`, 'number'] as const),
]);
const isStoredThingField = isStorableField(clientThingFields);

const thingBody = {
  type: 'object',
  required: ['_vendorThingID', '_password'],
  properties: {
    _vendorThingID: { type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,200}$' },
    _password: { type: 'string', minLength: 4, maxLength: 50 },
    ...Object.fromEntries([...clientThingFields].map(([name, type]) => [name, { type }] as const)),
    _layoutPosition: { type: 'string', enum: ['STANDALONE', 'GATEWAY', 'ENDNODE'] },
  },
  additionalProperties: true,
} as const;

const thingResponse = {
  type: 'object',
  properties: {
    _thingID: { type: 'string' },
    _vendorThingID: { type: 'string' },
    _accessToken: { type: 'string' },
    _created: { type: 'integer' },
    _modified: { type: 'integer' },
    _disabled: { type: 'boolean' },
    _online: { type: 'boolean' },
    _onlineStatusModifiedAt: { type: 'integer' },
  },
  additionalProperties: true,
} as const;

/**
 * The thing as Kii returns it. The SDK URI-decodes thing bodies (register, load, query), so
 * `%` in the thing's own fields is escaped to survive that (docs/kii-api.md §1.3). Stored
 * fields are read defensively: a row from before the field checks cannot break the answer.
 */
function thingJson(row: ThingRow) {
  return escapePercent({
    ...readStoredFields(row.fields_json, isStoredThingField),
    _thingID: row.id,
    _vendorThingID: row.vendor_thing_id,
    _created: row.created_at,
    _modified: row.modified_at,
    _disabled: false,
    _online: row.online === 1,
    ...(row.online_modified_at ? { _onlineStatusModifiedAt: row.online_modified_at } : {}),
  });
}

export const thingRoutes: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  const { config, things, tokens } = app.kii;

  /** Registers a thing; the *AndAuthorization* media type also returns its token (docs/kii-api.md §4.5). */
  app.post(
    '/things',
    {
      schema: {
        params: appParams,
        body: thingBody,
        response: { 201: thingResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal.type === 'user' || principal.type === 'thing')
        throw kiiErrors.unauthorized(config.appId, principal.id);
      const { _vendorThingID, _password, ...fields } = request.body;
      checkReservedFields(fields, clientThingFields);
      checkCustomFields(fields);
      refuseTakenVendorId(_vendorThingID);
      const passwordHash = await hashPassword(_password);
      // Checked again: another registration of the same ID may have finished while hashing.
      refuseTakenVendorId(_vendorThingID);
      const row = things.create(_vendorThingID, passwordHash, fields);
      const withToken = !/ThingRegistrationRequest/.test(request.headers['content-type'] ?? '');
      reply
        .code(201)
        .type('application/vnd.kii.ThingRegistrationAndAuthorizationResponse+json; charset=utf-8');
      return {
        ...thingJson(row),
        ...(withToken ? { _accessToken: tokens.issue('thing', row.id, null).token } : {}),
      };
    },
  );

  app.get(
    '/things/:thingRef',
    {
      schema: {
        params: paramsWith('thingRef'),
        response: { 200: thingResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      requireToken(request, config.appId);
      const row = things.find(request.params.thingRef);
      if (!row) throw thingNotFound(config.appId, request.params.thingRef);
      requireSelfOrAdmin(request, config.appId, { type: 'thing', id: row.id });
      reply.type('application/vnd.kii.ThingRetrievalResponse+json; charset=utf-8');
      return thingJson(row);
    },
  );

  app.delete(
    '/things/:thingRef',
    { schema: { params: paramsWith('thingRef'), response: { 204: noContent, ...errorResponses } } },
    async (request, reply) => {
      requireToken(request, config.appId);
      const row = things.find(request.params.thingRef);
      if (!row) throw thingNotFound(config.appId, request.params.thingRef);
      requireSelfOrAdmin(request, config.appId, { type: 'thing', id: row.id });
      forgetPrincipal(app.kii, 'thing', row.id);
      return reply.code(204).send();
    },
  );

  function refuseTakenVendorId(vendorThingID: string) {
    if (!things.findByVendorId(vendorThingID)) return;
    throw new KiiHttpError(
      409,
      'THING_ALREADY_EXISTS',
      `A thing with vendorThingID ${vendorThingID} already exists`,
      { field: 'vendorThingID', value: vendorThingID },
    );
  }
};
