import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireRole } from '../access/guard';
import { auditRequest } from '../access/request-audit';
import { ApiError } from '../errors';
import { formatInstallationRef } from '../kii/installation-ref';
import { KiiCallError } from '../kii/kii-call-error';
import { formatTopicScope, type TopicScope } from '../kii/kii-topics';
import {
  appParams,
  auditedKiiCall,
  connectedApp,
  installationParams,
  installationRef,
} from './kii-action';
import { topicBody, topicParams, topicScope } from './topics-routes';

/** MonitorEndpoint (docs/team-api.md, "Monitors"); the response schema keeps out the rest. */
const endpointProperties = {
  host: { type: 'string' },
  portWS: { type: 'integer' },
  portWSS: { type: 'integer' },
  username: { type: 'string' },
  password: { type: 'string' },
  mqttTopic: { type: 'string' },
  ttl: { type: 'integer' },
  expiresAt: { type: 'integer' },
} as const;

const endpointRequired = Object.keys(endpointProperties);

/**
 * Kii lets a thing subscribe to app topics and its own (docs/kii-api.md §6.1, §11), so the
 * monitor thing can watch app topics only.
 */
function monitorableScope(text: string, field: string): TopicScope {
  const scope = topicScope(text, field);
  if (scope.kind !== 'app') {
    throw new ApiError(
      400,
      'MONITOR_SCOPE_UNSUPPORTED',
      'Only app topics can be monitored this way: Kii lets a thing subscribe to app topics and its own. Monitor one of the owner’s installations instead.',
      { scope: formatTopicScope(scope) },
    );
  }
  return scope;
}

/** Kii no longer knowing the thing, topic or subscription: the monitor is stopped already. */
const alreadyStopped = (error: unknown) =>
  error instanceof KiiCallError &&
  error.status === 404 &&
  ['PUSH_SUBSCRIPTION_NOT_FOUND', 'TOPIC_NOT_FOUND', 'THING_NOT_FOUND'].includes(error.errorCode);

/**
 * Live traffic for the browser, which connects straight to the broker with what these routes
 * hand out: the person's monitor thing subscribed to a topic (viewer), or an installation's
 * own endpoint (operator; it takes over the device's connection, so it is audited as such and
 * every answer says `takeover: true`). Endpoints carry the MQTT password: no-store, and never
 * in an audit row.
 */
export const monitorRoutes: FastifyPluginAsync = async (app) => {
  const { kii, monitors, monitorThings } = app.team;
  const login = (request: FastifyRequest) => request.signedIn!.person.login;

  app.post<{ Params: { appId: string }; Body: { scope: string; topicID: string } }>(
    '/apps/:appId/monitors/topic',
    {
      schema: {
        params: appParams,
        body: topicBody,
        response: {
          200: {
            type: 'object',
            required: [...endpointRequired, 'thingID'],
            additionalProperties: false,
            properties: { ...endpointProperties, thingID: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'viewer');
      const credentials = connectedApp(request, appId);
      const scope = monitorableScope(request.body.scope, 'body.scope');
      const { topicID } = request.body;
      const started = await auditedKiiCall(
        request,
        { appId, action: 'monitor.topic.start', target: `${formatTopicScope(scope)}/${topicID}` },
        async () => {
          const thing = await monitors.ready(credentials, login(request));
          const { already } = await kii.topics.subscribe(credentials, scope, topicID, {
            kind: 'thing',
            id: thing.thingID,
          });
          const endpoint = await monitors.endpoint(credentials, thing.installationID);
          return { thing, already, endpoint };
        },
        ({ thing, already, endpoint }) => ({
          status: 200,
          details: {
            thingID: thing.thingID,
            installationID: thing.installationID,
            mqttTopic: endpoint.mqttTopic,
            ttl: endpoint.ttl,
            already,
          },
        }),
      );
      return reply
        .header('cache-control', 'no-store')
        .send({ ...started.endpoint, thingID: started.thing.thingID });
    },
  );

  app.delete<{ Params: { appId: string; scope: string; topicID: string } }>(
    '/apps/:appId/monitors/topic/:scope/:topicID',
    { schema: { params: topicParams } },
    async (request, reply) => {
      const { appId, topicID } = request.params;
      requireRole(request, appId, 'viewer');
      const credentials = connectedApp(request, appId);
      const scope = monitorableScope(request.params.scope, 'params.scope');
      const action = {
        appId,
        action: 'monitor.topic.stop',
        target: `${formatTopicScope(scope)}/${topicID}`,
      };
      const thing = monitorThings.find(appId, login(request));
      if (!thing) {
        // Nothing was ever started: stopping is done, and worth a row all the same.
        auditRequest(request, { ...action, status: 204, details: { thingID: null } });
        return reply.code(204).send();
      }
      await auditedKiiCall(
        request,
        { ...action, details: { thingID: thing.thingID } },
        async () => {
          try {
            await kii.topics.unsubscribe(credentials, scope, topicID, {
              kind: 'thing',
              id: thing.thingID,
            });
            return { wasSubscribed: true };
          } catch (error) {
            if (alreadyStopped(error)) return { wasSubscribed: false };
            throw error;
          }
        },
        (done) => ({ status: 204, details: done }),
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { appId: string; ref: string } }>(
    '/apps/:appId/monitors/installation/:ref',
    {
      schema: {
        params: installationParams,
        response: {
          200: {
            type: 'object',
            required: [...endpointRequired, 'installationID', 'takeover'],
            additionalProperties: false,
            properties: {
              ...endpointProperties,
              installationID: { type: 'string' },
              takeover: { type: 'boolean', const: true },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const ref = installationRef(request.params.ref, 'params.ref');
      const watched = await auditedKiiCall(
        request,
        {
          appId,
          action: 'installation.monitor',
          target: formatInstallationRef(ref),
          details: { takeover: true },
        },
        async () => {
          const found = await kii.findInstallation(credentials, ref);
          if (found.deviceType !== 'MQTT') {
            throw new ApiError(
              400,
              'NOT_MQTT_INSTALLATION',
              `${found.installationID} is a ${found.deviceType} installation; only MQTT installations can be monitored`,
            );
          }
          const endpoint = await monitors.endpoint(credentials, found.installationID);
          return { installationID: found.installationID, endpoint };
        },
        // What was handed out, never the password itself.
        ({ installationID, endpoint }) => ({
          status: 200,
          details: { installationID, mqttTopic: endpoint.mqttTopic, ttl: endpoint.ttl },
        }),
      );
      return reply
        .header('cache-control', 'no-store')
        .send({ ...watched.endpoint, installationID: watched.installationID, takeover: true });
    },
  );
};
