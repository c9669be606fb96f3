import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../testing/test-server';

/** The built console as the server serves it: bundles cached for good, pages revalidated. */
describe('console static files', () => {
  let consoleDir: string;
  let server: TestServer;
  let origin: string;

  beforeEach(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'kpc-console-'));
    for (const locale of ['en', 'ja']) {
      mkdirSync(join(consoleDir, locale));
      writeFileSync(join(consoleDir, locale, 'index.html'), `<html lang="${locale}"></html>`);
      writeFileSync(join(consoleDir, locale, 'main-ABC123.js'), 'void 0;');
    }
    server = await startTestServer({ consoleDir });
    origin = `http://127.0.0.1:${server.app.kii.ports.http}`;
  });
  afterEach(async () => {
    await server.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('serves hashed bundles as immutable for a year and pages as no-cache', async () => {
    const bundle = await fetch(`${origin}/en/main-ABC123.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/ja/', '/ja/installations/some-id']) {
      const page = await fetch(`${origin}${path}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('lang="ja"');
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
  });
});
