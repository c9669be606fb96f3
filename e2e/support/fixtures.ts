import { test as base, expect, type Request } from '@playwright/test';
import { consoleBuildDir, startLocalServer, type ReadyLine } from './local-server';

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

/**
 * `test` whose `server` is a local server of its own, started for each test with `flags` on top
 * of an in-memory seeded demo serving the console, and stopped by its PID afterwards: for specs
 * that need the server to behave unlike the run's shared one.
 */
export function testWithOwnServer(flags: string[]) {
  return test.extend<{ server: LocalServer }>({
    // eslint-disable-next-line no-empty-pattern
    server: async ({}, use) => {
      const { child, ready } = await startLocalServer([
        '--in-memory',
        '--seed-demo',
        '--console',
        consoleBuildDir,
        ...flags,
      ]);
      try {
        await use({ ...ready, origin: `http://127.0.0.1:${ready.http}`, dataDir: '' });
      } finally {
        if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      }
    },
  });
}

export { expect };
