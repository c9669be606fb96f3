import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { requireSelfOrAdmin, requireToken } from '../auth';
import { KiiHttpError, kiiErrors } from '../errors';
import type { InstallationRow, Owner } from '../repositories/installations';
import { appParams, errorResponses, noContent, paramsWith } from './schemas';

const deviceTypes = ['MQTT', 'ANDROID', 'IOS', 'JPUSH'] as const;

const installBody = {
  type: 'object',
  properties: {
    deviceType: { type: 'string', enum: deviceTypes },
    /** Kii's embedded C SDK sends this name instead of deviceType (docs/kii-api.md §5.1). */
    installationType: { type: 'string', enum: deviceTypes },
    installationRegistrationID: { type: 'string', minLength: 1, maxLength: 4096 },
    development: { type: 'boolean' },
    userID: { type: 'string', minLength: 1 },
    thingID: { type: 'string', minLength: 1 },
  },
  additionalProperties: false,
} as const;
type InstallBody = FromSchema<typeof installBody>;

const installationIds = {
  type: 'object',
  required: ['installationID', 'installationRegistrationID'],
  properties: {
    installationID: { type: 'string' },
    installationRegistrationID: { type: 'string' },
  },
} as const;

export const installationResponse = {
  type: 'object',
  properties: {
    installationID: { type: 'string' },
    installationRegistrationID: { type: 'string' },
    deviceType: { type: 'string' },
    userID: { type: 'string' },
    thingID: { type: 'string' },
    development: { type: 'boolean' },
  },
} as const;

const endpointResponse = {
  type: 'object',
  properties: {
    installationID: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    mqttTopic: { type: 'string' },
    host: { type: 'string' },
    portTCP: { type: 'integer' },
    portSSL: { type: 'integer' },
    portWS: { type: 'integer' },
    portWSS: { type: 'integer' },
    'X-MQTT-TTL': { type: 'integer' },
  },
} as const;

export function installationJson(row: InstallationRow) {
  return {
    installationID: row.id,
    installationRegistrationID: row.registration_id,
    deviceType: row.device_type,
    ...(row.user_id ? { userID: row.user_id } : {}),
    ...(row.thing_id ? { thingID: row.thing_id } : {}),
    development: row.development === 1,
  };
}

/** Push installations (docs/kii-api.md §5): install, look up, uninstall, and the MQTT endpoint. */
export const installationRoutes: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  const { config, installations, users, things, broker, ports } = app.kii;

  /** With a user/thing token the owner is the caller; the admin must name one. */
  function ownerOf(request: FastifyRequest, body: InstallBody): Owner {
    const principal = requireToken(request, config.appId);
    if (principal.type !== 'admin') {
      if (body.userID || body.thingID)
        throw kiiErrors.invalid(
          body.userID ? 'userID' : 'thingID',
          'only the app admin may name an owner',
        );
      return principal.type === 'user' ? { userID: principal.id } : { thingID: principal.id };
    }
    if (Boolean(body.userID) === Boolean(body.thingID)) {
      throw kiiErrors.invalid('userID', 'the app admin must give exactly one of userID or thingID');
    }
    // A plain ID's existence is checked once, inside the install's transaction (a read outside
    // one costs SQLite a read transaction of its own: about 15 us per install, measured with
    // bench:server-ab); a qualified form (LOGIN_NAME:, VENDOR_THING_ID:) is resolved here.
    const plain = (ref: string) => !ref.includes(':');
    if (body.userID && plain(body.userID)) return { userID: body.userID };
    if (body.thingID && plain(body.thingID)) return { thingID: body.thingID };
    if (body.userID) {
      const userID = users.idOf(body.userID);
      if (!userID) throw kiiErrors.userNotFound(config.appId, 'userID', body.userID);
      return { userID };
    }
    const thingID = things.idOf(body.thingID!);
    if (!thingID) throw kiiErrors.thingNotFound(config.appId, 'thingID', body.thingID!);
    return { thingID };
  }

  /** `{id}` or `{deviceType}:{installationRegistrationID}` (docs/kii-api.md §5.2-5.5). */
  function findInstallation(request: FastifyRequest, ref: string): InstallationRow {
    requireToken(request, config.appId);
    const colon = ref.indexOf(':');
    const row =
      colon > 0
        ? installations.findByRegistration(ref.slice(0, colon), ref.slice(colon + 1))
        : installations.find(ref);
    if (!row) {
      const extra =
        colon > 0
          ? { deviceType: ref.slice(0, colon), installationRegistrationID: ref.slice(colon + 1) }
          : { installationID: ref };
      throw new KiiHttpError(404, 'INSTALLATION_NOT_FOUND', `Installation ${ref} was not found`, {
        appID: config.appId,
        ...extra,
      });
    }
    requireSelfOrAdmin(
      request,
      config.appId,
      row.user_id ? { type: 'user', id: row.user_id } : { type: 'thing', id: row.thing_id },
    );
    return row;
  }

  app.post(
    '/installations',
    {
      schema: {
        params: appParams,
        body: installBody,
        response: { 200: installationIds, 201: installationIds, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const owner = ownerOf(request, body);
      const deviceType = body.deviceType ?? body.installationType;
      if (!deviceType)
        throw kiiErrors.invalid('deviceType', 'is required (MQTT, ANDROID, IOS or JPUSH)');
      if (deviceType === 'MQTT' && body.installationRegistrationID) {
        throw kiiErrors.invalid(
          'installationRegistrationID',
          'is generated by the server for MQTT',
        );
      }
      if (deviceType !== 'MQTT' && !body.installationRegistrationID) {
        throw kiiErrors.invalid('installationRegistrationID', `is required for ${deviceType}`);
      }
      const result = await installations.install({
        owner,
        deviceType,
        registrationId: body.installationRegistrationID,
        development: body.development === true,
      });
      // Deleted since the request began.
      if (result.outcome === 'owner-not-found') {
        throw owner.userID
          ? kiiErrors.userNotFound(config.appId, 'userID', owner.userID)
          : kiiErrors.thingNotFound(config.appId, 'thingID', owner.thingID!);
      }
      const { row } = result;
      // A repeat MQTT install returns the existing installation. Kii's status for it is
      // UNCONFIRMED (docs/kii-api.md §12.2); 200 tells "nothing new" apart and the SDK accepts any 2xx.
      reply
        .code(result.outcome === 'created' ? 201 : 200)
        .type('application/vnd.kii.InstallationCreationResponse+json; charset=utf-8')
        .header('location', `/apps/${config.appId}/installations/${row.id}`);
      return { installationID: row.id, installationRegistrationID: row.registration_id };
    },
  );

  app.get(
    '/installations/:ref',
    {
      schema: {
        params: paramsWith('ref'),
        response: { 200: installationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = findInstallation(request, request.params.ref);
      reply.type('application/vnd.kii.InstallationRetrievalResponse+json; charset=utf-8');
      return installationJson(row);
    },
  );

  app.delete(
    '/installations/:ref',
    { schema: { params: paramsWith('ref'), response: { 204: noContent, ...errorResponses } } },
    async (request, reply) => {
      const row = findInstallation(request, request.params.ref);
      const endpoint = installations.endpoint(row.id);
      installations.remove(row.id);
      // Uninstalled means no more pushes: the live connection goes too.
      if (endpoint) broker.disconnect(endpoint.mqtt_topic);
      return reply.code(204).send();
    },
  );

  app.get(
    '/installations/:ref/mqtt-endpoint',
    {
      schema: {
        params: paramsWith('ref'),
        response: { 200: endpointResponse, ...errorResponses, 503: errorResponses[404] },
      },
    },
    async (request, reply) => {
      const row = findInstallation(request, request.params.ref);
      let endpoint = installations.endpoint(row.id);
      if (!endpoint) {
        throw new KiiHttpError(
          404,
          'MQTT_ENDPOINT_NOT_FOUND',
          `Installation ${row.id} is a ${row.device_type} installation and has no MQTT endpoint`,
          {
            installationID: row.id,
          },
        );
      }
      const now = Date.now();
      if (endpoint.ready_at > now) {
        reply.header('retry-after', Math.ceil((endpoint.ready_at - now) / 1000));
        throw new KiiHttpError(
          503,
          'MQTT_ENDPOINT_NOT_READY',
          'The MQTT endpoint is being prepared; retry in a second',
          {
            installationID: row.id,
          },
        );
      }
      if (endpoint.expires_at <= now) endpoint = installations.renewEndpoint(endpoint);
      const ttl = Math.max(1, Math.floor((endpoint.expires_at - now) / 1000));
      reply
        .type('application/vnd.kii.MQTTEndpointResponse+json; charset=utf-8')
        .header('x-mqtt-ttl', ttl);
      return {
        installationID: row.id,
        username: endpoint.username,
        password: endpoint.password,
        mqttTopic: endpoint.mqtt_topic,
        host: config.publicHost,
        portTCP: ports.tcp,
        portSSL: ports.ssl,
        portWS: ports.ws,
        portWSS: ports.wss,
        'X-MQTT-TTL': ttl,
      };
    },
  );
};
