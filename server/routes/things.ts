import type { FastifyPluginAsync } from 'fastify';
import { requireSelfOrAdmin, requireToken } from '../auth';
import { escapePercent, KiiHttpError, kiiErrors } from '../errors';
import { vendorThingIdOf, type ThingRow } from '../repositories/principals';
import { forgetPrincipal } from '../push/forget-principal';
import { appParams, errorResponses, noContent, paramsWith } from './schemas';

interface ThingBody {
  _vendorThingID: string;
  _password: string;
  [field: string]: unknown;
}

const thingBody = {
  type: 'object',
  required: ['_vendorThingID', '_password'],
  properties: {
    _vendorThingID: { type: 'string', pattern: '^[a-zA-Z0-9_.-]{1,200}$' },
    _password: { type: 'string', minLength: 4, maxLength: 50 },
    _thingType: { type: 'string' },
    _vendor: { type: 'string' },
    _firmwareVersion: { type: 'string' },
    _productName: { type: 'string' },
    _lot: { type: 'string' },
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
 * `%` in the thing's own fields is escaped to survive that (docs/kii-api.md §1.3).
 */
function thingJson(row: ThingRow) {
  return escapePercent({
    ...JSON.parse(row.fields_json),
    _thingID: row.id,
    _vendorThingID: row.vendor_thing_id,
    _created: row.created_at,
    _modified: row.modified_at,
    _disabled: false,
    _online: row.online === 1,
    ...(row.online_modified_at ? { _onlineStatusModifiedAt: row.online_modified_at } : {}),
  });
}

export const thingRoutes: FastifyPluginAsync = async (app) => {
  const { config, things, tokens } = app.kii;

  /** Registers a thing; the *AndAuthorization* media type also returns its token (docs/kii-api.md §4.5). */
  app.post<{ Body: ThingBody; Params: { appID: string } }>(
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
      if (things.findByVendorId(_vendorThingID)) {
        throw new KiiHttpError(
          409,
          'THING_ALREADY_EXISTS',
          `A thing with vendorThingID ${_vendorThingID} already exists`,
          {
            field: 'vendorThingID',
            value: _vendorThingID,
          },
        );
      }
      const row = things.create(_vendorThingID, _password, fields);
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

  app.get<{ Params: { appID: string; thingRef: string } }>(
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
      if (!row) throw notFound(request.params.thingRef);
      requireSelfOrAdmin(request, config.appId, { type: 'thing', id: row.id });
      reply.type('application/vnd.kii.ThingRetrievalResponse+json; charset=utf-8');
      return thingJson(row);
    },
  );

  app.delete<{ Params: { appID: string; thingRef: string } }>(
    '/things/:thingRef',
    { schema: { params: paramsWith('thingRef'), response: { 204: noContent, ...errorResponses } } },
    async (request, reply) => {
      requireToken(request, config.appId);
      const row = things.find(request.params.thingRef);
      if (!row) throw notFound(request.params.thingRef);
      requireSelfOrAdmin(request, config.appId, { type: 'thing', id: row.id });
      forgetPrincipal(app.kii, 'thing', row.id);
      return reply.code(204).send();
    },
  );

  function notFound(ref: string) {
    const vendorThingID = vendorThingIdOf(ref);
    return vendorThingID === undefined
      ? kiiErrors.thingNotFound(config.appId, 'thingID', ref)
      : kiiErrors.thingNotFound(config.appId, 'vendorThingID', vendorThingID);
  }
};
