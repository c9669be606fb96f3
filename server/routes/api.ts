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
  // Callback style (no promise per request) on the hottest path of every call.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'OPTIONS') return done();
    const appID = (request.params as { appID?: string }).appID;
    if (appID !== undefined && appID !== config.appId) return done(appNotFound(appID));
    try {
      request.principal = resolvePrincipal(request, config, tokens);
    } catch (error) {
      return done(error as Error);
    }
    done();
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
