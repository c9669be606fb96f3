import type { FastifyPluginAsync } from 'fastify';
import { appNotFound, resolvePrincipal } from '../auth';
import { extensionRoutes } from './extensions';
import { installationRoutes } from './installations';
import { oauthRoutes } from './oauth';
import { thingRoutes } from './things';
import { topicRoutes } from './topics';
import { userRoutes } from './users';

/** Kii's REST API under /api: the SDK's base URL is `http://host:port/api`. */
export const kiiApi: FastifyPluginAsync = async (app) => {
  const { config, tokens } = app.kii;
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    const appID = (request.params as { appID?: string }).appID;
    if (appID !== undefined && appID !== config.appId) throw appNotFound(appID);
    request.principal = resolvePrincipal(request, config, tokens);
  });
  await app.register(oauthRoutes);
  await app.register(
    async (scoped) => {
      await scoped.register(userRoutes);
      await scoped.register(thingRoutes);
      await scoped.register(installationRoutes);
      await scoped.register(topicRoutes);
    },
    { prefix: '/apps/:appID' },
  );
  await app.register(extensionRoutes, { prefix: '/x-local/v1' });
};
