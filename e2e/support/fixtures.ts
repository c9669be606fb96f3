import { test as base, expect, type Request } from '@playwright/test';
import type { ReadyLine } from './local-server';

export interface LocalServer extends ReadyLine {
  /** `http://127.0.0.1:<port>`, where the console is served. */
  origin: string;
  dataDir: string;
}

/**
 * `server`: the run's local server. `baseURL` points at it. `offHostRequests`: every request
 * the page made to a host other than 127.0.0.1 (nothing may load from outside the machine).
 */
export const test = base.extend<{ server: LocalServer; offHostRequests: string[] }>({
  // Playwright reads a fixture's dependencies from its first parameter's destructuring pattern.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const ready = JSON.parse(process.env.KPC_SERVER!) as LocalServer;
    await use({ ...ready, origin: `http://127.0.0.1:${ready.http}` });
  },
  baseURL: async ({ server }, use) => use(server.origin),
  offHostRequests: async ({ page }, use) => {
    const off: string[] = [];
    page.on('request', (request: Request) => {
      const url = new URL(request.url());
      if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1')
        off.push(request.url());
    });
    await use(off);
  },
});

export { expect };
