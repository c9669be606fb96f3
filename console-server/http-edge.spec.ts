import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expectApiError,
  startTestConsoleServer,
  type TeamClient,
  type TestConsoleServer,
} from './testing/test-console-server';

/** Security headers, limits and the envelope for everything a client can get wrong. */
describe('team HTTP edge', () => {
  let server: TestConsoleServer;
  let client: TeamClient;

  beforeEach(async () => {
    server = await startTestConsoleServer({ bodyLimit: 1024 });
    await server.addPerson('root', [{ appId: '*', role: 'admin' }]);
    client = server.client();
    await client.signIn('root');
  });
  afterEach(() => server.close());

  it('sends the strict CSP and the other security headers, and no-store on the API', async () => {
    const response = await client.request('GET', '/team/api/me');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers every malformed request in the envelope, never 5xx', async () => {
    const post = (body: string, type = 'application/json') =>
      client.request('POST', '/team/api/people', { body, headers: { 'content-type': type } });
    await expectApiError(await post('{"login":'), 400, 'INVALID_JSON');
    await expectApiError(await post('[]'), 400, 'INVALID_INPUT');
    await expectApiError(await post('null'), 400, 'INVALID_INPUT');
    await expectApiError(await post('"text"'), 400, 'INVALID_INPUT');
    await expectApiError(
      await post('login=x', 'application/x-www-form-urlencoded'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectApiError(await post('{}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectApiError(await post(`{"login":"${'x'.repeat(2000)}"}`), 413, 'PAYLOAD_TOO_LARGE');
    // Prototype poisoning is refused by the JSON parser itself.
    await expectApiError(await post('{"__proto__":{"admin":true}}'), 400, 'INVALID_JSON');
    await expectApiError(
      await client.request('POST', '/team/api/session', { body: { login: 1, password: [] } }),
      400,
      'INVALID_INPUT',
    );
    await expectApiError(await client.request('GET', '/team/api/nothing'), 404, 'NOT_FOUND');
    await expectApiError(
      await client.request('GET', '/team/api/people/%E0%A4%A'),
      400,
      'BAD_REQUEST',
    );
    await expectApiError(await client.request('PATCH', '/team/api/me'), 404, 'NOT_FOUND');
  });

  it('answers broken HTTP in the envelope and closes the connection', async () => {
    const url = new URL(server.origin);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write('GET /team/api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(answer).toContain('"code":"BAD_REQUEST"');
    expect(answer).toContain('content-security-policy');
  });

  describe('with a console build', () => {
    let dir: string;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kpc-team-console-'));
      for (const locale of ['en', 'ja']) {
        mkdirSync(join(dir, locale));
        writeFileSync(
          join(dir, locale, 'index.html'),
          `<html lang="${locale}"><link rel="stylesheet" href="styles.css" media="print" onload="this.media='all'"></html>`,
        );
        writeFileSync(join(dir, locale, 'main.js'), 'console.log(1)');
      }
      await server.close();
      server = await startTestConsoleServer({ consoleDir: dir });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('serves it with the CSP, without the inline handler the CSP would block', async () => {
      const index = await fetch(`${server.origin}/ja/installations`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const html = await index.text();
      expect(html).toContain('<html lang="ja">');
      expect(html).toContain('<link rel="stylesheet" href="styles.css">');
      expect(html).not.toContain('onload');
      const script = await fetch(`${server.origin}/en/main.js`);
      expect(script.headers.get('cache-control')).toContain('immutable');
      const root = await fetch(`${server.origin}/`, {
        redirect: 'manual',
        headers: { 'accept-language': 'ja' },
      });
      expect(root.headers.get('location')).toBe('/ja/');
      // The API still answers beside it.
      await expectApiError(await fetch(`${server.origin}/team/api/me`), 401, 'UNAUTHENTICATED');
      expect((await fetch(`${server.origin}/en/`)).status).toBe(200);
    });
  });
});
