import { connect } from 'node:net';
import { expectKiiError, expectOk, kiiRest } from './testing/kii-rest';
import { mqttJsReceiver } from './testing/mqtt-clients';
import { startTestServer, type TestServer } from './testing/test-server';

/** One raw HTTP exchange: what comes back before the server closes (or `wait` ms pass). */
function rawExchange(port: number, request: string | Buffer, wait = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`${answer}[still open after ${wait} ms]`);
    }, wait);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

/** Splits a raw HTTP answer into status, lower-cased headers and the JSON body. */
function parseRaw(answer: string) {
  const [head, body] = answer.split('\r\n\r\n', 2);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

/**
 * The HTTP edge: every refusal, including the ones fastify and Node's parser raise before any
 * route runs, is Kii's envelope with CORS headers; host names that could be rebound are refused;
 * the demo's admin secret is only given to the server's own pages.
 */
describe('HTTP edge', () => {
  let server: TestServer;
  let port: number;

  beforeEach(async () => {
    server = await startTestServer({ seedDemo: true, requestTimeoutMs: 1000 });
    port = server.app.kii.ports.http;
  });
  afterEach(() => server.close());

  it('answers a path that is not valid percent-encoding with the envelope and CORS, safe to URI-decode', async () => {
    for (const path of ['/installations/%', '/apps/demoapp/installations/%zz']) {
      const response = await server.api(path);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const body = await expectKiiError(response, 400, 'INVALID_INPUT_DATA');
      expect(() => decodeURIComponent(JSON.stringify(body))).not.toThrow();
    }
  });

  it('answers a path segment over the parameter limit with 414 in the envelope', async () => {
    const response = await server.api(`/apps/demoapp/installations/${'a'.repeat(600)}`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    await expectKiiError(response, 414, 'URI_TOO_LONG');
  });

  it('answers HTTP the parser refuses (raw non-ASCII, a broken chunked body) with the envelope and CORS', async () => {
    const requests = [
      Buffer.from('GET /api/\xfc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'),
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n' +
        'Content-Type: application/json\r\n\r\nzz\r\nabc\r\n',
    ];
    for (const request of requests) {
      const answer = parseRaw(await rawExchange(port, request));
      expect(answer.status).toBe(400);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['content-type']).toMatch(/^application\/vnd\.kii\.\w+Exception\+json/);
      expect(answer.body.errorCode).toBe('INVALID_INPUT_DATA');
    }
  });

  it('answers an Expect header it cannot meet, and a request without Host, in the envelope with CORS', async () => {
    const expectation = parseRaw(
      await rawExchange(
        port,
        'GET /api/x-local/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: something\r\n\r\n',
      ),
    );
    expect(expectation.status).toBe(417);
    expect(expectation.headers['access-control-allow-origin']).toBe('*');
    expect(expectation.body.errorCode).toBe('EXPECTATION_FAILED');

    const hostless = parseRaw(
      await rawExchange(port, 'GET /api/nowhere HTTP/1.1\r\nConnection: close\r\n\r\n'),
    );
    expect(hostless.status).toBe(404);
    expect(hostless.headers['access-control-allow-origin']).toBe('*');
    expect(hostless.body.errorCode).toBe('NOT_FOUND');
  });

  it('escapes % in field names as well as values, so the SDK can URI-decode every error', async () => {
    const admin = await server.adminToken();
    const response = await server.api('/apps/demoapp/installations', {
      token: admin,
      body: { '%G': [], deviceType: 'MQTT' },
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    const decoded = JSON.parse(decodeURIComponent(text)) as { invalidFields: object };
    expect(Object.keys(decoded.invalidFields)).toContain('%G');
  });

  it('refuses JSON nested thousands of levels deep on any route (here a push and an install) before the route runs', async () => {
    const rest = kiiRest(server);
    const alice = await rest.registerUser('deep-alice');
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const bodies: [string, string][] = [
      [`${rest.app}/users/${alice.id}/push/messages`, `{"data":{"x":${deep}}}`],
      [`${rest.app}/installations`, `{"deviceType":"MQTT","x":${deep}}`],
    ];
    for (const [path, body] of bodies) {
      const response = await server.api(path, { token: alice.token, body });
      await expectKiiError(response, 400, 'INVALID_INPUT_DATA');
    }
    await rest.mqttEndpointFor(alice.token);
  });

  it('answers a bad body on a CORS pre-flight with the envelope', async () => {
    const answer = parseRaw(
      await rawExchange(
        port,
        'OPTIONS /api/apps/demoapp/users HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          'Content-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{{{',
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.body.errorCode).toBe('INVALID_JSON');
  });

  it('gives a request whose body never finishes 408 in the envelope and frees the socket', async () => {
    const started = Date.now();
    const raw = await rawExchange(
      port,
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"username":',
      5000,
    );
    expect(raw).not.toContain('still open');
    expect(Date.now() - started).toBeLessThan(4000);
    const answer = parseRaw(raw);
    expect(answer.status).toBe(408);
    expect(answer.body.errorCode).toBe('REQUEST_TIMEOUT');
    expect(answer.headers['access-control-allow-origin']).toBe('*');
  });

  it('keeps an MQTT-over-WebSocket connection open well past the request timeout', async () => {
    const rest = kiiRest(server);
    const alice = await rest.registerUser('timeout-alice');
    const endpoint = await rest.mqttEndpointFor(alice.token);
    const receiver = await mqttJsReceiver({ ...endpoint, host: '127.0.0.1' }, 'ws');
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await rest.send(alice.token, `${rest.app}/users/${alice.id}`, { data: { after: 'timeout' } });
      expect(await receiver.next()).toEqual(jasmine.objectContaining({ after: 'timeout' }));
    } finally {
      await receiver.close();
    }
  });

  it('refuses a host name that could be rebound to this machine, and serves localhost and IP literals', async () => {
    const info = (host: string) =>
      rawExchange(
        port,
        `GET /api/x-local/v1/info HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ).then(parseRaw);
    for (const host of [
      'attacker.example',
      'attacker.example:8080',
      'localhost.attacker.example',
    ]) {
      const answer = await info(host);
      expect(answer.status).toBe(421);
      expect(answer.body.errorCode).toBe('MISDIRECTED_REQUEST');
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await info(host)).status).toBe(200);
    }
  });

  it('gives the demo credentials to the server’s own pages only, never to another origin', async () => {
    type Info = { demo?: { clientSecret: string } };
    const own = await expectOk<Info>(
      await server.api('/x-local/v1/info', { headers: { 'sec-fetch-site': 'same-origin' } }),
    );
    expect(own.demo?.clientSecret).toBe(server.config.clientSecret);
    const crossSite: Record<string, string>[] = [
      { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:4200', 'sec-fetch-site': 'same-site' },
      { origin: 'https://attacker.example' },
    ];
    for (const headers of crossSite) {
      const response = await server.api('/x-local/v1/info', { headers });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).not.toContain(server.config.clientSecret);
      expect((JSON.parse(text) as Info).demo).toBeUndefined();
    }
  });
});
