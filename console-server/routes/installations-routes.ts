import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireRole } from '../access/guard';
import { apiErrors } from '../errors';
import {
  DEVICE_TYPES,
  formatInstallationRef,
  type DeviceType,
  type InstallationRef,
} from '../kii/installation-ref';
import { KiiCallError } from '../kii/kii-call-error';
import type { InstallationOwner, KiiInstallation } from '../kii/kii-admin-client';
import type { LocalInstallation } from '../kii/local-extensions';
import {
  RegistryQueryError,
  type InstallationsRegistry,
  type RegistryEntry,
  type RegistryFilters,
} from '../registry/installations-registry';
import {
  appParams,
  auditedKiiCall,
  connectedApp,
  installationParams,
  installationRef,
  kiiApiError,
} from './kii-action';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** One installation in answers, from Kii's listing, a lookup or the registry. */
export const installationSchema = {
  type: 'object',
  properties: {
    installationID: { type: 'string' },
    registrationID: { type: 'string' },
    deviceType: { type: 'string' },
    owner: {
      type: 'object',
      properties: { type: { type: 'string' }, id: { type: 'string' } },
    },
    development: { type: 'boolean' },
    /** From the local server's listing only. */
    createdAt: { type: 'integer' },
    ownerName: { type: ['string', 'null'] },
    /** Login of who first recorded it in the registry; null when nobody did. */
    addedBy: { type: ['string', 'null'] },
    addedAt: { type: 'integer' },
    addedVia: { type: 'string' },
    lastStatus: { type: 'string' },
    lastVerifiedAt: { type: 'integer' },
    lastErrorCode: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/** An MQTT endpoint as revealed to an operator. */
const endpointSchema = {
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
    ttlSeconds: { type: 'integer' },
  },
  additionalProperties: false,
} as const;

const listSchema = {
  type: 'object',
  required: ['source', 'total', 'installations'],
  properties: {
    /** `local`: the local server's full listing; `registry`: what the team recorded. */
    source: { type: 'string', enum: ['local', 'registry'] },
    total: { type: 'integer' },
    installations: { type: 'array', items: installationSchema },
    nextCursor: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/** A registry row as answered (its appId is the path's). */
export function entryJson(entry: RegistryEntry) {
  const { appId: _appId, ...rest } = entry;
  return rest;
}

/** A row of the local server's listing, with what the registry knows of it. */
function localJson(row: LocalInstallation, known: RegistryEntry | undefined) {
  const owner = row.userID
    ? { type: 'user', id: row.userID }
    : row.thingID
      ? { type: 'thing', id: row.thingID }
      : undefined;
  return {
    ...(known ? entryJson(known) : {}),
    installationID: row.installationID,
    registrationID: row.installationRegistrationID,
    deviceType: row.deviceType,
    ...(owner ? { owner } : {}),
    development: row.development,
    ...(row.createdAt !== undefined ? { createdAt: row.createdAt } : {}),
    ...(row.ownerName !== undefined ? { ownerName: row.ownerName } : {}),
    addedBy: known?.addedBy ?? null,
  };
}

function refFields(ref: InstallationRef) {
  return 'installationID' in ref
    ? { installationID: ref.installationID }
    : { deviceType: ref.deviceType, registrationID: ref.registrationID };
}

/**
 * Marks a registry row gone after an uninstall or a 404, when the team knows the installation;
 * an unknown one is not added just to say it does not exist.
 */
export function markGone(
  registry: InstallationsRegistry,
  appId: string,
  ref: InstallationRef,
  errorCode?: string,
): void {
  if (!registry.find(appId, ref)) return;
  // addedBy and via only apply to new rows, and this row exists.
  registry.record({
    appId,
    addedBy: '',
    via: 'lookup',
    ...refFields(ref),
    verified: { status: 'gone', ...(errorCode ? { errorCode } : {}) },
  });
}

const isGone = (error: KiiCallError) => error.status === 404;

interface ListQuery {
  cursor?: string;
  limit?: string;
  userID?: string;
  thingID?: string;
  deviceType?: DeviceType;
  status?: NonNullable<RegistryFilters['status']>;
  addedBy?: string;
  source?: 'auto' | 'registry';
}

/**
 * Installations of a connected app: the listing (viewer), a lookup (viewer; it records what it
 * finds in the shared registry), install and uninstall (operator), and the MQTT endpoint
 * (operator; its credentials make it an audited reveal). Every call is checked by requireRole
 * first and every Kii call leaves an audit row, failures with Kii's status and errorCode.
 */
export const installationsRoutes: FastifyPluginAsync = async (app) => {
  const { kii, registry } = app.team;
  const login = (request: FastifyRequest) => request.signedIn!.person.login;

  app.get<{ Params: { appId: string }; Querystring: ListQuery }>(
    '/apps/:appId/installations',
    {
      schema: {
        params: appParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            cursor: id,
            limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
            userID: id,
            thingID: id,
            deviceType: { type: 'string', enum: DEVICE_TYPES },
            status: { type: 'string', enum: ['exists', 'gone', 'refused', 'unverified'] },
            addedBy: id,
            source: { type: 'string', enum: ['auto', 'registry'] },
          },
        },
        response: { 200: listSchema },
      },
    },
    async (request) => {
      const { appId } = request.params;
      requireRole(request, appId, 'viewer');
      const credentials = connectedApp(request, appId);
      const { cursor, userID, thingID, deviceType, status, addedBy } = request.query;
      const limit = Number(request.query.limit ?? 50);
      if (limit < 1 || limit > 500)
        throw apiErrors.invalid('querystring.limit', 'must be 1 to 500');
      if (userID && thingID)
        throw apiErrors.invalid('querystring', 'takes userID or thingID, not both');
      // Listing is a read: not audited (a refusal is, by requireRole).
      try {
        const registryOnly = request.query.source === 'registry' || status || addedBy;
        if (!registryOnly && (await kii.localExtensions(credentials)).includes('installations')) {
          const page = await kii.listInstallations(credentials, {
            paginationKey: cursor,
            limit,
            userID,
            thingID,
            deviceType,
          });
          return {
            source: 'local',
            total: page.total,
            installations: page.installations.map((row) =>
              localJson(row, registry.find(appId, { installationID: row.installationID })),
            ),
            ...(page.nextPaginationKey ? { nextCursor: page.nextPaginationKey } : {}),
          };
        }
      } catch (error) {
        if (error instanceof KiiCallError) throw kiiApiError(error);
        throw error;
      }
      const filters: RegistryFilters = { ownerId: userID ?? thingID, deviceType, status, addedBy };
      try {
        const page = registry.list({ appId, limit, cursor, ...filters });
        return {
          source: 'registry',
          total: registry.count(appId, filters),
          installations: page.entries.map(entryJson),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        };
      } catch (error) {
        if (error instanceof RegistryQueryError)
          throw apiErrors.invalid('querystring', error.message);
        throw error;
      }
    },
  );

  app.get<{ Params: { appId: string; ref: string } }>(
    '/apps/:appId/installations/:ref',
    { schema: { params: installationParams, response: { 200: installationSchema } } },
    async (request) => {
      const { appId } = request.params;
      requireRole(request, appId, 'viewer');
      const credentials = connectedApp(request, appId);
      const ref = installationRef(request.params.ref, 'params.ref');
      const target = formatInstallationRef(ref);
      const entry = await auditedKiiCall(
        request,
        { appId, action: 'installation.lookup', target },
        async () => {
          const found = await kii.findInstallation(credentials, ref);
          return registry.recordFound(appId, found, login(request), 'lookup');
        },
        (recorded) => ({ status: 200, details: { installationID: recorded.installationID } }),
        { onKiiFailure: (e) => isGone(e) && markGone(registry, appId, ref, e.errorCode) },
      );
      return entryJson(entry);
    },
  );

  app.post<{
    Params: { appId: string };
    Body: { userID?: string; thingID?: string; development?: boolean };
  }>(
    '/apps/:appId/installations',
    {
      schema: {
        params: appParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { userID: id, thingID: id, development: { type: 'boolean' } },
          oneOf: [{ required: ['userID'] }, { required: ['thingID'] }],
        },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const { userID, thingID, development = false } = request.body;
      const owner: InstallationOwner = userID ? { userID } : { thingID: thingID! };
      const ownerText = userID ? `user:${userID}` : `thing:${thingID}`;
      const installed = await auditedKiiCall(
        request,
        { appId, action: 'installation.install', target: ownerText, details: { development } },
        async () => {
          const answer = await kii.install(credentials, owner, { development });
          const found: KiiInstallation = {
            installationID: answer.installationID,
            installationRegistrationID: answer.installationRegistrationID,
            deviceType: 'MQTT',
            development,
            ...owner,
          };
          return {
            ...answer,
            entry: registry.recordFound(appId, found, login(request), 'install'),
          };
        },
        (done) => ({
          status: done.created ? 201 : 200,
          target: done.installationID,
          details: { owner: ownerText, created: done.created },
        }),
      );
      return reply.code(installed.created ? 201 : 200).send({
        installationID: installed.installationID,
        installationRegistrationID: installed.installationRegistrationID,
        created: installed.created,
        installation: entryJson(installed.entry),
      });
    },
  );

  app.delete<{ Params: { appId: string; ref: string } }>(
    '/apps/:appId/installations/:ref',
    { schema: { params: installationParams } },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const ref = installationRef(request.params.ref, 'params.ref');
      await auditedKiiCall(
        request,
        { appId, action: 'installation.uninstall', target: formatInstallationRef(ref) },
        async () => {
          await kii.uninstall(credentials, ref);
          markGone(registry, appId, ref);
        },
        () => ({ status: 204 }),
        { onKiiFailure: (e) => isGone(e) && markGone(registry, appId, ref, e.errorCode) },
      );
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { appId: string; ref: string } }>(
    '/apps/:appId/installations/:ref/mqtt-endpoint',
    { schema: { params: installationParams, response: { 200: endpointSchema } } },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const ref = installationRef(request.params.ref, 'params.ref');
      const endpoint = await auditedKiiCall(
        request,
        { appId, action: 'installation.credentials.reveal', target: formatInstallationRef(ref) },
        async () => {
          const installationID =
            'installationID' in ref
              ? ref.installationID
              : (await kii.findInstallation(credentials, ref)).installationID;
          const revealed = await kii.mqttEndpoint(credentials, installationID);
          // The browser may connect with it: its broker joins the CSP's connect-src.
          app.team.brokers.record(appId, revealed);
          return revealed;
        },
        // What was revealed, never the password itself.
        (revealed) => ({
          status: 200,
          details: {
            installationID: revealed.installationID,
            mqttTopic: revealed.mqttTopic,
            ttlSeconds: revealed.ttlSeconds,
          },
        }),
      );
      return reply.header('cache-control', 'no-store').send(endpoint);
    },
  );
};
