import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCALES = ['en', 'ja'] as const;

/** The console's language: the remembered choice, else the browser's preference. */
function preferredLocale(request: FastifyRequest): string {
  const cookie = /(?:^|;\s*)kpc-locale=(en|ja)\b/.exec(request.headers.cookie ?? '');
  if (cookie) return cookie[1];
  return /^ja\b/i.test(request.headers['accept-language'] ?? '') ? 'ja' : 'en';
}

/**
 * Serves the built, localized console: `/en/` and `/ja/`, each a single-page app whose
 * unknown paths fall back to its index.html; `/` redirects to the preferred locale.
 */
export const consoleStatic: FastifyPluginAsync<{ root: string }> = async (app, options) => {
  const root = resolve(options.root);
  for (const locale of LOCALES) {
    if (!existsSync(join(root, locale, 'index.html'))) {
      throw new Error(
        `The console build is missing ${join(root, locale, 'index.html')}: run npm run build`,
      );
    }
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    // Otherwise send writes its own `public, max-age=0` over the header set below.
    cacheControl: false,
    setHeaders(res, path) {
      // Hashed bundles never change; index.html must be revalidated to pick up new ones.
      res.setHeader(
        'cache-control',
        path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
  app.get('/', async (request, reply) => reply.redirect(`/${preferredLocale(request)}/`));
  for (const locale of LOCALES) {
    const index = async (_request: FastifyRequest, reply: import('fastify').FastifyReply) =>
      reply.header('cache-control', 'no-cache').sendFile(join(locale, 'index.html'));
    app.get(`/${locale}/`, index);
    app.get(`/${locale}/*`, index);
  }
};
