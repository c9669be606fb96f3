import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '../access/guard';
import { apiErrors } from '../errors';
import {
  formatSubscriber,
  formatTopicScope,
  parseSubscriber,
  parseTopicScope,
  TOPIC_ID_PATTERN,
  type Subscriber,
  type TopicScope,
} from '../kii/kii-topics';
import { appIdParam, appParams, auditedKiiCall, connectedApp, kiiRead } from './kii-action';

/** `app`, `user:<userID>` or `thing:<thingID>` (docs/team-api.md, "Conventions"). */
export const scopeSchema = {
  type: 'string',
  minLength: 3,
  maxLength: 200,
  pattern: '^(app|(user|thing):.+)$',
} as const;
const subscriberSchema = {
  type: 'string',
  minLength: 3,
  maxLength: 200,
  pattern: '^(user|thing):.+$',
} as const;
export const topicIdSchema = { type: 'string', pattern: TOPIC_ID_PATTERN } as const;

/** `:appId/.../:scope/:topicID` in a path. */
export const topicParams = {
  type: 'object',
  required: ['appId', 'scope', 'topicID'],
  properties: { appId: appIdParam, scope: scopeSchema, topicID: topicIdSchema },
} as const;

/** `{scope, topicID}`, the body naming one topic. */
export const topicBody = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'topicID'],
  properties: { scope: scopeSchema, topicID: topicIdSchema },
} as const;

const subscriptionParams = {
  type: 'object',
  required: [...topicParams.required, 'subscriber'],
  properties: { ...topicParams.properties, subscriber: subscriberSchema },
} as const;

/** A scope the schema let through, checked in full (the ID's characters), or 400. */
export function topicScope(text: string, field: string): TopicScope {
  const scope = parseTopicScope(text);
  if (!scope) throw apiErrors.invalid(field, 'is not app, user:<userID> or thing:<thingID>');
  return scope;
}

function subscriber(text: string): Subscriber {
  const who = parseSubscriber(text);
  if (!who) throw apiErrors.invalid('params.subscriber', 'is not user:<userID> or thing:<thingID>');
  return who;
}

type TopicParams = { appId: string; scope: string; topicID: string };
type SubscriptionParams = TopicParams & { subscriber: string };

/**
 * Topics of every scope and their subscriptions, as the app admin: listing and checks for
 * viewers, changes for operators (audited, Kii's status and errorCode on failure). Kii checks
 * whether a subscriber may subscribe in that scope; its refusal comes back in `details.kii`.
 */
export const topicsRoutes: FastifyPluginAsync = async (app) => {
  const { kii } = app.team;

  app.get<{ Params: { appId: string }; Querystring: { scope?: string; cursor?: string } }>(
    '/apps/:appId/topics',
    {
      schema: {
        params: appParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            scope: scopeSchema,
            cursor: { type: 'string', minLength: 1, maxLength: 1000 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['topics'],
            additionalProperties: false,
            properties: {
              topics: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['topicID'],
                  additionalProperties: false,
                  properties: { topicID: { type: 'string' } },
                },
              },
              nextCursor: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      const { appId } = request.params;
      requireRole(request, appId, 'viewer');
      const credentials = connectedApp(request, appId);
      const scope = topicScope(request.query.scope ?? 'app', 'querystring.scope');
      const page = await kiiRead(() => kii.topics.list(credentials, scope, request.query.cursor));
      return {
        topics: page.topics.map((topicID) => ({ topicID })),
        ...(page.nextPaginationKey ? { nextCursor: page.nextPaginationKey } : {}),
      };
    },
  );

  app.post<{ Params: { appId: string }; Body: { scope: string; topicID: string } }>(
    '/apps/:appId/topics',
    {
      schema: {
        params: appParams,
        body: topicBody,
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            properties: { scope: { type: 'string' }, topicID: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const scope = topicScope(request.body.scope, 'body.scope');
      const { topicID } = request.body;
      const target = `${formatTopicScope(scope)}/${topicID}`;
      await auditedKiiCall(
        request,
        { appId, action: 'topic.create', target },
        () => kii.topics.create(credentials, scope, topicID),
        () => ({ status: 201 }),
      );
      return reply.code(201).send({ scope: formatTopicScope(scope), topicID });
    },
  );

  app.delete<{ Params: TopicParams }>(
    '/apps/:appId/topics/:scope/:topicID',
    { schema: { params: topicParams } },
    async (request, reply) => {
      const { appId, topicID } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const scope = topicScope(request.params.scope, 'params.scope');
      await auditedKiiCall(
        request,
        { appId, action: 'topic.delete', target: `${formatTopicScope(scope)}/${topicID}` },
        () => kii.topics.remove(credentials, scope, topicID),
        () => ({ status: 204 }),
      );
      return reply.code(204).send();
    },
  );

  const subscriptionPath = '/apps/:appId/topics/:scope/:topicID/subscriptions/:subscriber';

  /** The parsed path and the audit target `<scope>/<topicID> <- <subscriber>`. */
  const subscriptionOf = (params: SubscriptionParams) => {
    const scope = topicScope(params.scope, 'params.scope');
    const who = subscriber(params.subscriber);
    const target = `${formatTopicScope(scope)}/${params.topicID} <- ${formatSubscriber(who)}`;
    return { scope, who, target };
  };

  app.get<{ Params: SubscriptionParams }>(
    subscriptionPath,
    {
      schema: {
        params: subscriptionParams,
        response: {
          200: {
            type: 'object',
            required: ['subscribed'],
            additionalProperties: false,
            properties: { subscribed: { type: 'boolean' } },
          },
        },
      },
    },
    async (request) => {
      const { appId, topicID } = request.params;
      requireRole(request, appId, 'viewer');
      const credentials = connectedApp(request, appId);
      const { scope, who } = subscriptionOf(request.params);
      const subscribed = await kiiRead(() =>
        kii.topics.isSubscribed(credentials, scope, topicID, who),
      );
      return { subscribed };
    },
  );

  app.put<{ Params: SubscriptionParams }>(
    subscriptionPath,
    {
      schema: {
        params: subscriptionParams,
        response: {
          200: {
            type: 'object',
            required: ['subscribed', 'already'],
            additionalProperties: false,
            properties: { subscribed: { type: 'boolean' }, already: { type: 'boolean' } },
          },
        },
      },
    },
    async (request) => {
      const { appId, topicID } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const { scope, who, target } = subscriptionOf(request.params);
      const { already } = await auditedKiiCall(
        request,
        { appId, action: 'subscription.subscribe', target },
        () => kii.topics.subscribe(credentials, scope, topicID, who),
        (done) => ({ status: 200, details: { already: done.already } }),
      );
      return { subscribed: true, already };
    },
  );

  app.delete<{ Params: SubscriptionParams }>(
    subscriptionPath,
    { schema: { params: subscriptionParams } },
    async (request, reply) => {
      const { appId, topicID } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const { scope, who, target } = subscriptionOf(request.params);
      await auditedKiiCall(
        request,
        { appId, action: 'subscription.unsubscribe', target },
        () => kii.topics.unsubscribe(credentials, scope, topicID, who),
        () => ({ status: 204 }),
      );
      return reply.code(204).send();
    },
  );
};
