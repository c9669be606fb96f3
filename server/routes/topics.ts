import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireToken, type Principal } from '../auth';
import { KiiHttpError, kiiErrors } from '../errors';
import type { Scope, ScopeType, Subscriber } from '../repositories/topics';
import { resolveThingId, resolveUserId } from './principal-refs';
import { errorResponses, noContent } from './schemas';

/** Topic list page size: UNCONFIRMED for Kii (docs/kii-api.md §12.14). */
const TOPIC_PAGE_SIZE = 50;

/**
 * Topics one scope (the app, a user, a thing) may hold; Kii documents no limit, and a real app
 * stays far below this. It also bounds subscriptions: a user can subscribe only to app topics
 * and its own scope's, a thing to app topics and its own, so at most twice this many each.
 */
export const MAX_TOPICS_PER_SCOPE = 1000;

const topicId = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const flatData = {
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
} as const;
const network = { type: 'object' } as const;

const pushMessageBody = {
  type: 'object',
  properties: {
    data: flatData,
    mqtt: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, data: flatData },
      additionalProperties: false,
    },
    gcm: network,
    fcm: network,
    apns: network,
    jpush: network,
    sendToDevelopment: { type: 'boolean' },
    sendToProduction: { type: 'boolean' },
    sendAppID: { type: 'boolean' },
    sendSender: { type: 'boolean' },
    sendWhen: { type: 'boolean' },
    sendOrigin: { type: 'boolean' },
    sendObjectScope: { type: 'boolean' },
    sendTopicID: { type: 'boolean' },
    pushMessageType: { type: 'string', maxLength: 200 },
  },
  additionalProperties: false,
} as const;

const pushMessageResponse = {
  type: 'object',
  required: ['pushMessageID'],
  properties: { pushMessageID: { type: 'string' } },
} as const;

const topicList = {
  type: 'object',
  properties: {
    topics: {
      type: 'array',
      items: { type: 'object', properties: { topicID: { type: 'string' } } },
    },
    paginationKey: { type: 'string' },
  },
} as const;

/**
 * The path's parameters: the app's, the user's or thing's of the scope (absent for app topics),
 * and the given ones, which every path of the route has.
 */
function scopedParams<const K extends string>(...names: K[]) {
  return {
    type: 'object',
    required: ['appID', ...names],
    properties: {
      appID: { type: 'string' },
      scopeRef: { type: 'string' },
      ...Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
    } as Record<'appID' | 'scopeRef' | K, { type: 'string' }>,
  } as const;
}

interface ScopeOptions {
  type: ScopeType;
}

/** The caller may create, delete and send to topics of this scope (Kii's default ACLs). */
function ownsScope(principal: Principal, scope: Scope): boolean {
  if (principal.type === 'admin') return true;
  if (scope.type === 'APP_AND_USER') return principal.type === 'user' && principal.id === scope.id;
  if (scope.type === 'APP_AND_THING')
    return principal.type === 'thing' && principal.id === scope.id;
  return false;
}

/**
 * The routes of one topic scope (docs/kii-api.md §6-§7), mounted under `/topics` for the app,
 * `/users/{id}/topics` and `/things/{id}/topics`. Group topics are not offered: this server
 * keeps no groups.
 */
const topicScopeRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: ScopeOptions }> = async (
  app,
  { type },
) => {
  const { config, topics, delivery } = app.kii;

  /** The scope of the path, its user or thing named by ID or alias and resolved to the ID. */
  function scopeOf(request: FastifyRequest): Scope {
    const ref = (request.params as { scopeRef?: string }).scopeRef;
    if (type === 'APP' || ref === undefined) return { type: 'APP', id: '' };
    const principal = request.principal;
    if (type === 'APP_AND_USER') {
      const id = ref === 'me' && principal.type === 'user' ? principal.id : ref;
      return { type, id: resolveUserId(app.kii, id) };
    }
    return { type, id: resolveThingId(app.kii, ref) };
  }

  function topicError(status: number, code: string, verb: string, scope: Scope, topic: string) {
    const objectScope: Record<string, string> = { appID: config.appId, type: scope.type };
    if (scope.type === 'APP_AND_USER') objectScope.userID = scope.id;
    if (scope.type === 'APP_AND_THING') objectScope.thingID = scope.id;
    return new KiiHttpError(status, code, `Topic ${topic} ${verb}`, {
      topicID: topic,
      objectScope,
    });
  }

  /** Resolves the scope and checks that the topic exists. */
  function existingTopic(request: FastifyRequest, topicID: string): Scope {
    requireToken(request, config.appId);
    const scope = scopeOf(request);
    if (!topics.exists(scope, topicID)) {
      throw topicError(404, 'TOPIC_NOT_FOUND', 'was not found', scope, topicID);
    }
    return scope;
  }

  function refuseTopicOverLimit(scope: Scope, topic: string) {
    if (topics.count(scope) < MAX_TOPICS_PER_SCOPE) return;
    throw topicError(
      403,
      'TOPIC_LIMIT_EXCEEDED',
      `cannot be created: the scope already holds ${MAX_TOPICS_PER_SCOPE} topics`,
      scope,
      topic,
    );
  }

  function requireOwner(request: FastifyRequest, scope: Scope) {
    const principal = requireToken(request, config.appId);
    if (!ownsScope(principal, scope)) throw kiiErrors.unauthorized(config.appId, principal.id);
  }

  const topicParams = scopedParams('topicID');
  const single = { params: topicParams, response: { 204: noContent, ...errorResponses } };

  app.put(
    '/topics/:topicID',
    {
      schema: {
        ...single,
        params: { ...topicParams, properties: { ...topicParams.properties, topicID: topicId } },
      },
    },
    async (request, reply) => {
      requireToken(request, config.appId);
      const scope = scopeOf(request);
      requireOwner(request, scope);
      refuseTopicOverLimit(scope, request.params.topicID);
      if (!topics.create(scope, request.params.topicID)) {
        throw topicError(
          409,
          'TOPIC_ALREADY_EXISTS',
          'already exists',
          scope,
          request.params.topicID,
        );
      }
      return reply.code(204).send();
    },
  );

  // GET answers like HEAD (fastify derives HEAD from GET): 204 when the topic exists.
  app.get('/topics/:topicID', { schema: single }, async (request, reply) => {
    existingTopic(request, request.params.topicID);
    return reply.code(204).send();
  });

  app.delete('/topics/:topicID', { schema: single }, async (request, reply) => {
    const scope = existingTopic(request, request.params.topicID);
    requireOwner(request, scope);
    topics.remove(scope, request.params.topicID);
    return reply.code(204).send();
  });

  app.get(
    '/topics',
    {
      schema: {
        params: scopedParams(),
        querystring: { type: 'object', properties: { paginationKey: { type: 'string' } } },
        response: { 200: topicList, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = requireToken(request, config.appId);
      const scope = scopeOf(request);
      // Only topics the caller may subscribe to are listed: all app topics, own scope's topics.
      if (scope.type !== 'APP' && !ownsScope(principal, scope))
        throw kiiErrors.unauthorized(config.appId, principal.id);
      const ids = topics.list(scope, request.query.paginationKey ?? '', TOPIC_PAGE_SIZE + 1);
      const page = ids.slice(0, TOPIC_PAGE_SIZE);
      reply.type('application/vnd.kii.TopicsRetrievalResponse+json; charset=utf-8');
      return {
        topics: page.map((id) => ({ topicID: id })),
        ...(ids.length > TOPIC_PAGE_SIZE ? { paginationKey: page.at(-1) } : {}),
      };
    },
  );

  for (const kind of ['users', 'things'] as const) {
    const subscriberType = kind === 'users' ? 'user' : 'thing';

    /**
     * Self, or the app admin acting for the subscriber, named by ID or alias and resolved to
     * the ID before anything is stored or compared. Owner-only scopes admit only their owner.
     */
    const subscriberOf = (request: FastifyRequest, scope: Scope, ref?: string): Subscriber => {
      const principal = requireToken(request, config.appId);
      const callerId = principal.type === 'admin' ? undefined : principal.id;
      if (ref === undefined && principal.type !== subscriberType)
        throw kiiErrors.unauthorized(config.appId, callerId);
      const id =
        ref === undefined
          ? principal.id
          : subscriberType === 'user'
            ? resolveUserId(app.kii, ref)
            : resolveThingId(app.kii, ref);
      const who: Subscriber = { type: subscriberType, id };
      if (principal.type !== 'admin' && (principal.type !== who.type || principal.id !== who.id))
        throw kiiErrors.unauthorized(config.appId, principal.id);
      const ownerOnly = scope.type === 'APP_AND_USER' || scope.type === 'APP_AND_THING';
      const isOwner =
        (scope.type === 'APP_AND_USER' && who.type === 'user') ||
        (scope.type === 'APP_AND_THING' && who.type === 'thing');
      if (ownerOnly && !(isOwner && who.id === scope.id))
        throw kiiErrors.unauthorized(config.appId, callerId);
      return who;
    };

    const subscribe = (request: FastifyRequest, topicID: string, id?: string) => {
      const scope = existingTopic(request, topicID);
      const who = subscriberOf(request, scope, id);
      if (!topics.subscribe(scope, topicID, who)) {
        throw new KiiHttpError(
          409,
          'PUSH_SUBSCRIPTION_ALREADY_EXISTS',
          `${who.type} ${who.id} already subscribes to ${topicID}`,
          {
            topicID,
            subject: who.id,
          },
        );
      }
    };
    const notSubscribed = (who: Subscriber, topic: string) =>
      new KiiHttpError(
        404,
        'PUSH_SUBSCRIPTION_NOT_FOUND',
        `${who.type} ${who.id} does not subscribe to ${topic}`,
        { topicID: topic, subject: who.id },
      );

    const subscriptionPath = `/topics/:topicID/push/subscriptions/${kind}`;
    const response = { 204: noContent, ...errorResponses };
    const subscriptionSchema = { params: scopedParams('topicID', 'subscriberID'), response };

    app.put(
      `${subscriptionPath}/:subscriberID`,
      { schema: subscriptionSchema },
      async (request, reply) => {
        subscribe(request, request.params.topicID, request.params.subscriberID);
        return reply.code(204).send();
      },
    );
    app.post(
      subscriptionPath,
      { schema: { params: topicParams, response } },
      async (request, reply) => {
        subscribe(request, request.params.topicID);
        return reply.code(204).send();
      },
    );
    app.get(
      `${subscriptionPath}/:subscriberID`,
      { schema: subscriptionSchema },
      async (request, reply) => {
        const scope = existingTopic(request, request.params.topicID);
        const who = subscriberOf(request, scope, request.params.subscriberID);
        if (!topics.isSubscribed(scope, request.params.topicID, who))
          throw notSubscribed(who, request.params.topicID);
        return reply.code(204).send();
      },
    );
    app.delete(
      `${subscriptionPath}/:subscriberID`,
      { schema: subscriptionSchema },
      async (request, reply) => {
        const scope = existingTopic(request, request.params.topicID);
        const who = subscriberOf(request, scope, request.params.subscriberID);
        if (!topics.unsubscribe(scope, request.params.topicID, who))
          throw notSubscribed(who, request.params.topicID);
        return reply.code(204).send();
      },
    );
  }

  app.post(
    '/topics/:topicID/push/messages',
    {
      schema: {
        params: topicParams,
        body: pushMessageBody,
        response: { 201: pushMessageResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const scope = existingTopic(request, request.params.topicID);
      requireOwner(request, scope);
      const target = { kind: 'topic' as const, scope, topicId: request.params.topicID };
      const result = delivery.send(
        request.body,
        target,
        topics.subscribers(scope, request.params.topicID),
        request.principal,
      );
      reply.code(201).type('application/vnd.kii.SendPushMessageResponse+json; charset=utf-8');
      return { pushMessageID: result.pushMessageID };
    },
  );

  if (type === 'APP_AND_USER') {
    /** Direct push to one user's installations, no subscription needed (docs/kii-api.md §7.3). */
    app.post(
      '/push/messages',
      {
        schema: {
          params: scopedParams(),
          body: pushMessageBody,
          response: { 201: pushMessageResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const principal = requireToken(request, config.appId);
        const scope = scopeOf(request);
        // The admin may push to anyone; a user only to themself (`/users/me/push/messages`).
        if (principal.type !== 'admin') requireOwner(request, scope);
        const target = { kind: 'direct' as const, userId: scope.id };
        const result = delivery.send(
          request.body,
          target,
          [{ type: 'user', id: scope.id }],
          principal,
        );
        reply.code(201).type('application/vnd.kii.SendPushMessageResponse+json; charset=utf-8');
        return { pushMessageID: result.pushMessageID };
      },
    );
  }
};

export const topicRoutes: FastifyPluginAsync = async (app: FastifyInstance) => {
  await app.register(topicScopeRoutes, { type: 'APP' });
  await app.register(topicScopeRoutes, { type: 'APP_AND_USER', prefix: '/users/:scopeRef' });
  await app.register(topicScopeRoutes, { type: 'APP_AND_THING', prefix: '/things/:scopeRef' });
};
