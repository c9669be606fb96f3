import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import { requireAdmin } from '../auth';
import { kiiErrors } from '../errors';
import { sameOrigin } from '../http-edge';
import { installationJson, installationResponse } from './installations';
import { errorResponses } from './schemas';
import { traceRoutes } from './trace';

/** Tap credentials live an hour; the console asks for new ones when they expire. */
const TAP_TTL_SECONDS = 3600;
const MAX_PAGE = 1000;

/** Extensions advertised to the console through `GET /api/x-local/v1/info`. */
export const EXTENSIONS = ['installations', 'deliveries', 'tap', 'trace'] as const;

function pageSize(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE)
    throw kiiErrors.invalid('limit', `must be an integer from 1 to ${MAX_PAGE}`);
  return value;
}

function cursor(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw))
    throw kiiErrors.invalid(field, 'is not a pagination key this server issued');
  return Number(raw);
}

/** The console's installation listing: Kii's installation fields and what the console adds. */
const installationListing = {
  type: 'object',
  required: ['installations', 'total'],
  properties: {
    installations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...installationResponse.properties,
          createdAt: { type: 'integer' },
          ownerName: { type: ['string', 'null'] },
          connected: { type: 'boolean' },
          lastSeenAt: { type: ['integer', 'null'] },
        },
        // Serialized as they are: a field added to the rows is not dropped by the schema.
        additionalProperties: true,
      },
    },
    total: { type: 'integer' },
    nextPaginationKey: { type: 'string' },
  },
} as const;

/**
 * What Kii Cloud does not have and the console needs, under a separate namespace
 * (`/api/x-local/v1`) so nothing clashes with Kii's names. Admin token only, except `info`.
 */
export const extensionRoutes: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  const { config, installations, users, things, deliveries, taps, connections, ports } = app.kii;
  await app.register(traceRoutes);

  // The demo credentials let the console served by this server prefill its sign-in form. Only a
  // page of this server itself gets them: the answer carries `Access-Control-Allow-Origin: *` like
  // every other, so any other site's page could otherwise read the app admin's secret.
  app.get('/info', async (request) => ({
    server: 'kii-push-local',
    version: '0.1.0',
    extensions: EXTENSIONS,
    ...(config.seedDemo && sameOrigin(request)
      ? {
          demo: {
            appId: config.appId,
            appKey: config.appKey,
            clientId: config.clientId,
            clientSecret: config.clientSecret,
          },
        }
      : {}),
  }));

  app.get(
    '/apps/:appID/installations',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            userID: { type: 'string' },
            thingID: { type: 'string' },
            deviceType: { type: 'string', enum: ['MQTT', 'ANDROID', 'IOS', 'JPUSH'] },
            environment: { type: 'string', enum: ['development', 'production'] },
            paginationKey: { type: 'string' },
            limit: { type: 'string' },
            // The SDK's cache-buster (docs/kii-api.md §1.1): tolerated like everywhere else, while
            // any other unknown filter is still refused rather than silently ignored.
            disable_cache: { type: 'string' },
          },
          additionalProperties: false,
        },
        response: { 200: installationListing, ...errorResponses },
      },
    },
    async (request) => {
      requireAdmin(request, config.appId);
      const q = request.query;
      const { rows, total } = installations.list({
        userID: q.userID,
        thingID: q.thingID,
        deviceType: q.deviceType,
        development: q.environment === undefined ? undefined : q.environment === 'development',
        after: cursor(q.paginationKey, 'paginationKey'),
        limit: pageSize(q.limit, 100) + 1,
      });
      const limit = pageSize(q.limit, 100);
      const page = rows.slice(0, limit);
      const names = new Map<string, string | null>();
      const ownerName = (row: (typeof rows)[number]) => {
        const id = (row.user_id ?? row.thing_id)!;
        if (!names.has(id)) {
          names.set(
            id,
            row.user_id
              ? (users.find(id)?.login_name ?? null)
              : (things.find(id)?.vendor_thing_id ?? null),
          );
        }
        return names.get(id);
      };
      // Connected now (lastSeenAt is then the time of this answer), else when the last
      // connection closed; null when it never connected (docs/kii-api.md §13.2).
      const seen = connections.lastSeen(page.map((row) => row.id));
      return {
        installations: page.map((row) => ({
          ...installationJson(row),
          createdAt: row.created_at,
          ownerName: ownerName(row),
          connected: seen.get(row.id)!.connected,
          lastSeenAt: seen.get(row.id)!.at,
        })),
        total,
        ...(rows.length > limit ? { nextPaginationKey: String(page.at(-1)!.seq) } : {}),
      };
    },
  );

  app.get<{ Params: { appID: string }; Querystring: { paginationKey?: string; limit?: string } }>(
    '/apps/:appID/deliveries',
    async (request) => {
      requireAdmin(request, config.appId);
      const limit = pageSize(request.query.limit, 100);
      const rows = deliveries.list(
        cursor(request.query.paginationKey, 'paginationKey') ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      return {
        deliveries: page.map((row) => ({
          pushMessageID: row.message_id,
          target: row.target,
          sender: row.sender,
          recipients: row.recipients,
          payloadBytes: row.payload_bytes,
          sentAt: row.sent_at,
        })),
        ...(rows.length > limit ? { nextPaginationKey: String(page.at(-1)!.seq) } : {}),
      };
    },
  );

  /** Credentials for a read-only MQTT tap: every push, wrapped with where it went. */
  app.post<{ Params: { appID: string } }>('/apps/:appID/tap', async (request, reply) => {
    requireAdmin(request, config.appId);
    const tap = taps.create(TAP_TTL_SECONDS);
    reply.code(201).header('x-mqtt-ttl', TAP_TTL_SECONDS);
    return {
      username: tap.username,
      password: tap.password,
      mqttTopic: tap.mqtt_topic,
      host: config.publicHost,
      portTCP: ports.tcp,
      portSSL: ports.ssl,
      portWS: ports.ws,
      portWSS: ports.wss,
      'X-MQTT-TTL': TAP_TTL_SECONDS,
    };
  });
};
