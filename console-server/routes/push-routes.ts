import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '../access/guard';
import { apiErrors } from '../errors';
import type { PushTarget } from '../kii/kii-admin-client';
import { appParams, auditedKiiCall, connectedApp } from './kii-action';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;

interface PushBody {
  target: { kind: PushTarget['kind']; topicID?: string; userID?: string; thingID?: string };
  message: Record<string, unknown>;
}

/** The target as the body names it, with exactly the IDs its kind needs. */
function pushTarget(target: PushBody['target']): PushTarget {
  const { kind, topicID, userID, thingID } = target;
  const given = Object.keys(target)
    .filter((key) => key !== 'kind')
    .sort()
    .join(',');
  const needs = (fields: string) => {
    if (given !== fields) throw apiErrors.invalid('body.target', `of kind ${kind} takes ${fields}`);
  };
  switch (kind) {
    case 'app-topic':
      needs('topicID');
      return { kind, topicID: topicID! };
    case 'user-topic':
      needs('topicID,userID');
      return { kind, userID: userID!, topicID: topicID! };
    case 'thing-topic':
      needs('thingID,topicID');
      return { kind, thingID: thingID!, topicID: topicID! };
    case 'user':
      needs('userID');
      return { kind, userID: userID! };
  }
}

/** The target in one line for the audit trail, e.g. `user-topic:<userID>/inbox`. */
function targetText(target: PushTarget): string {
  switch (target.kind) {
    case 'app-topic':
      return `app-topic:${target.topicID}`;
    case 'user-topic':
      return `user-topic:${target.userID}/${target.topicID}`;
    case 'thing-topic':
      return `thing-topic:${target.thingID}/${target.topicID}`;
    case 'user':
      return `user:${target.userID}`;
  }
}

/**
 * Test pushes (support and up): to an app, user or thing topic, or straight to a user. The
 * message is Kii's send body (`data`, the send* flags, per-network parts) as Compose builds it;
 * Kii checks it, and its refusal comes back with `details.kii`. Audited with Kii's
 * pushMessageID so a delivery can be traced to the person who sent it.
 */
export const pushRoutes: FastifyPluginAsync = async (app) => {
  const { kii } = app.team;

  app.post<{ Params: { appId: string }; Body: PushBody }>(
    '/apps/:appId/push',
    {
      schema: {
        params: appParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['target', 'message'],
          properties: {
            target: {
              type: 'object',
              additionalProperties: false,
              required: ['kind'],
              properties: {
                kind: { type: 'string', enum: ['app-topic', 'user-topic', 'thing-topic', 'user'] },
                topicID: id,
                userID: id,
                thingID: id,
              },
            },
            message: {
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'object' } },
            },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { pushMessageID: { type: 'string' } },
            additionalProperties: false,
          },
        },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'support');
      const credentials = connectedApp(request, appId);
      const target = pushTarget(request.body.target);
      const sent = await auditedKiiCall(
        request,
        { appId, action: 'push.send', target: targetText(target) },
        () => kii.sendPush(credentials, target, request.body.message),
        (answer) => ({ status: 201, details: { pushMessageID: answer.pushMessageID ?? null } }),
      );
      return reply.code(201).send(sent);
    },
  );
};
