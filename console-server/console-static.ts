import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCALES = ['en', 'ja'] as const;

/** The console's language: the remembered choice, else the browser's preference. */
export function preferredLocale(request: FastifyRequest): string {
  const cookie = /(?:^|;\s*)kpc-locale=(en|ja)\b/.exec(request.headers.cookie ?? '');
  if (cookie) return cookie[1];
  return /^ja\b/i.test(request.headers['accept-language'] ?? '') ? 'ja' : 'en';
}

/**
 * The Angular build loads its stylesheet as `media="print" onload="this.media='all'"` (critical
 * CSS inlining). The strict CSP refuses inline event handlers, which would leave the stylesheet
 * on print only; the plain `<link>` is what the handler would have produced.
 */
export function withoutInlineHandlers(html: string): string {
  return html.replace(/ media="print" onload="this\.media='all'"/g, '');
}

/**
 * Serves the built, localized console: `/en/` and `/ja/`, each a single-page app whose unknown
 * paths fall back to its index.html (kept in memory, rewritten once for the CSP); `/`
 * redirects to the preferred locale. The API under /team/api is registered before this.
 */
export const consoleStatic: FastifyPluginAsync<{ root: string }> = async (app, options) => {
  const root = resolve(options.root);
  const indexes = new Map<string, string>();
  for (const locale of LOCALES) {
    const file = join(root, locale, 'index.html');
    if (!existsSync(file)) {
      throw new Error(`The console build is missing ${file}: run npm run build`);
    }
    indexes.set(locale, withoutInlineHandlers(readFileSync(file, 'utf8')));
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    // Off, or @fastify/send's own `public, max-age=0` overwrites the one set below.
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
    const index = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(indexes.get(locale));
    app.get(`/${locale}/`, index);
    app.get(`/${locale}/*`, index);
  }
};
