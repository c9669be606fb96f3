import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseServeArgs } from '../config';
import {
  expectApiError,
  startTestConsoleServer,
  type TeamClient,
  type TestConsoleServer,
} from '../testing/test-console-server';
import { AdminTokens } from './admin-tokens';
import { guardedFetch, guardedTransport, KiiAnswerTooLargeError } from './guarded-fetch';
import { KiiCallError } from './kii-call-error';
import { kiiFetch, type KiiTransport } from './kii-http';
import { KiiTargetRefusedError, targetRefusal } from './kii-target-policy';

const strict = { allowPrivate: false };
const permissive = { allowPrivate: true };

/** Where a connected app's Kii calls may go (SSRF): the policy, the transport, the connect route. */
describe('Kii target policy', () => {
  it('refuses link-local, metadata, unspecified and reserved addresses whatever the flag', () => {
    for (const policy of [strict, permissive]) {
      expect(targetRefusal('169.254.169.254', policy)).toBe('link-local or metadata');
      expect(targetRefusal('::ffff:169.254.169.254', policy)).toBe('link-local or metadata');
      expect(targetRefusal('fd00:ec2::254', policy)).toBe('link-local or metadata');
      expect(targetRefusal('fe80::1', policy)).toBe('link-local or metadata');
      expect(targetRefusal('0.0.0.0', policy)).toBe('unspecified or reserved');
      expect(targetRefusal('::', policy)).toBe('unspecified or reserved');
      expect(targetRefusal('224.0.0.1', policy)).toBe('unspecified or reserved');
      expect(targetRefusal('255.255.255.255', policy)).toBe('unspecified or reserved');
    }
  });

  it('refuses private and loopback addresses unless allowed, and lets public ones through', () => {
    const privateOnes = ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1'];
    for (const address of [...privateOnes, '::1', 'fd12:3456::1', '::ffff:10.0.0.1']) {
      expect(targetRefusal(address, strict)).withContext(address).toBe('private');
      expect(targetRefusal(address, permissive)).withContext(address).toBeNull();
    }
    for (const address of ['8.8.8.8', '52.68.1.1', '2001:db8::1', '172.32.0.1']) {
      expect(targetRefusal(address, strict)).withContext(address).toBeNull();
    }
  });

  it('takes --allow-private-kii or KPC_ALLOW_PRIVATE_KII=1, and is off by default', () => {
    expect(parseServeArgs([]).allowPrivateKii).toBeFalse();
    expect(parseServeArgs(['--allow-private-kii']).allowPrivateKii).toBeTrue();
    process.env['KPC_ALLOW_PRIVATE_KII'] = '1';
    try {
      expect(parseServeArgs([]).allowPrivateKii).toBeTrue();
    } finally {
      delete process.env['KPC_ALLOW_PRIVATE_KII'];
    }
  });
});

describe('guardedFetch', () => {
  let server: Server;
  let port: number;
  let stall = false;
  /** Sends the headers and then nothing: the body never ends. */
  let stallBody = false;
  /** Streams a body without end, a chunk every few milliseconds, until the client goes. */
  let endless = false;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (stall) return; // never answers
      if (stallBody) return void response.writeHead(200).write('{"partial":');
      if (endless) {
        response.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const timer = setInterval(() => response.write(chunk), 2);
        response.on('close', () => clearInterval(timer));
        return;
      }
      response.setHeader('x-echo-method', request.method ?? '');
      response.setHeader('X-Many', ['a', 'b']);
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => response.writeHead(201).end(JSON.stringify({ got: body })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    stall = false;
    stallBody = false;
    endless = false;
  });

  /** A GET to the test server through `transport`; settles with the error it failed with. */
  const failureOf = (transport: KiiTransport, timeoutMs: number) =>
    transport({ url: `http://127.0.0.1:${port}/api`, method: 'GET', headers: {}, timeoutMs }).then(
      () => null,
      (error: unknown) => error,
    );
  /** The same GET as the console server's Kii client sends it (kiiFetch). */
  const kiiGet = (transport: KiiTransport, timeoutMs: number) =>
    kiiFetch(
      {
        operation: 'get installation',
        method: 'GET',
        url: `http://127.0.0.1:${port}/api`,
        headers: {},
        secrets: [],
      },
      { transport, timeoutMs },
    );

  it('fetches an allowed target as fetch would: status, headers, body', async () => {
    const response = await guardedFetch(permissive)(`http://127.0.0.1:${port}/api`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo-method')).toBe('POST');
    expect(await response.json()).toEqual({ got: '{"a":1}' });
  });

  it('refuses a private address by literal and by name (checked as the socket connects)', async () => {
    const refused = guardedFetch(strict);
    await expectAsync(refused(`http://127.0.0.1:${port}/api`)).toBeRejectedWithError(
      KiiTargetRefusedError,
      /127\.0\.0\.1, a private or loopback address/,
    );
    // A name goes through the lookup: what it resolves to is checked, and only that is dialled.
    await expectAsync(refused(`http://localhost:${port}/api`)).toBeRejectedWithError(
      KiiTargetRefusedError,
      /^localhost is (127\.0\.0\.1|::1), a private or loopback address/,
    );
    expect((await guardedFetch(permissive)(`http://localhost:${port}/api`)).status).toBe(201);
    await expectAsync(refused('http://169.254.169.254/latest/meta-data/')).toBeRejectedWithError(
      KiiTargetRefusedError,
      /link-local or metadata/,
    );
  });

  it('gives up with the signal’s TimeoutError when the target stalls', async () => {
    stall = true;
    const failure = await guardedFetch(permissive)(`http://127.0.0.1:${port}/api`, {
      signal: AbortSignal.timeout(200),
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure instanceof DOMException && failure.name).toBe('TimeoutError');
  });

  it('times out on its own timer when a target sends headers and stalls the body', async () => {
    stallBody = true;
    const started = Date.now();
    const failure = await failureOf(guardedTransport(permissive), 200);
    expect(failure instanceof DOMException && failure.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5000);
    // As the console server calls Kii: the same stall is a TIMEOUT KiiCallError naming the host.
    const call = kiiGet(guardedTransport(permissive), 200);
    await expectAsync(call).toBeRejectedWith(
      jasmine.objectContaining({
        status: 0,
        errorCode: 'TIMEOUT',
        message: `get installation: no answer from 127.0.0.1:${port} within 200 ms`,
      }),
    );
  });

  it('drops an answer that streams past its size limit, and says the base URL is wrong', async () => {
    endless = true;
    const transport = guardedTransport(permissive, 1024 * 1024);
    expect(await failureOf(transport, 10_000)).toBeInstanceOf(KiiAnswerTooLargeError);
    const call = kiiGet(transport, 10_000);
    await expectAsync(call).toBeRejectedWith(
      jasmine.objectContaining({
        status: 0,
        errorCode: 'INVALID_RESPONSE',
        message: jasmine.stringMatching(
          /larger than 1048576 bytes.*check the app's site or base URL/,
        ),
      }),
    );
  });

  it('answers with lower-case header names, repeated values joined as Headers.get does', async () => {
    const answer = await guardedTransport(permissive)({
      url: `http://127.0.0.1:${port}/api`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"b":2}',
      timeoutMs: 1000,
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['x-echo-method']).toBe('POST');
    expect(answer.headers['x-many']).toBe('a, b');
    expect(JSON.parse(answer.text)).toEqual({ got: '{"b":2}' });
  });

  it('makes a refused Kii call a TARGET_REFUSED KiiCallError with no answer', async () => {
    const tokens = new AdminTokens({ fetch: guardedFetch(strict) });
    const failure = await tokens
      .get({
        appId: 'app1',
        appKey: 'key',
        clientId: 'id',
        clientSecret: 'secret',
        baseUrl: `http://localhost:${port}/api`,
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(KiiCallError);
    expect([(failure as KiiCallError).status, (failure as KiiCallError).errorCode]).toEqual([
      0,
      'TARGET_REFUSED',
    ]);
  });
});

describe('connecting an app to a refused target', () => {
  let server: TestConsoleServer;
  let admin: TeamClient;

  beforeEach(async () => {
    server = await startTestConsoleServer({ allowPrivateKii: false });
    await server.addPerson('root', [{ appId: '*', role: 'admin' }]);
    admin = server.client();
    await admin.signIn('root');
  });
  afterEach(() => server.close());

  const connect = (baseUrl: string) =>
    admin.request('POST', '/team/api/apps', {
      body: {
        appId: 'app1',
        site: 'custom',
        baseUrl,
        appKey: 'key',
        clientId: 'id',
        clientSecret: 'secret',
      },
    });

  it('answers 400 KII_TARGET_REFUSED naming the address, audits it, and stores nothing', async () => {
    const metadata = await expectApiError(
      await connect('http://169.254.169.254/api'),
      400,
      'KII_TARGET_REFUSED',
    );
    expect(metadata.details).toEqual({
      host: '169.254.169.254',
      address: '169.254.169.254',
      refusal: 'link-local or metadata',
    });
    expect(metadata.message).toContain('never connects there');

    const loopback = await expectApiError(
      await connect('http://127.0.0.1:9/api'),
      400,
      'KII_TARGET_REFUSED',
    );
    expect(loopback.message).toContain('--allow-private-kii');
    await expectApiError(await connect('http://[::ffff:a9fe:a9fe]/api'), 400, 'KII_TARGET_REFUSED');
    await expectApiError(await connect('file:///etc/passwd'), 400, 'INVALID_APP');

    const rows = server.app.team.audit.page({ all: true }, { action: 'app.connect' }, 10);
    expect(
      rows.map((row) => [row.status, row.errorCode, JSON.parse(row.detailsJson).address]),
    ).toEqual([
      [400, 'KII_TARGET_REFUSED', '::ffff:a9fe:a9fe'],
      [400, 'KII_TARGET_REFUSED', '127.0.0.1'],
      [400, 'KII_TARGET_REFUSED', '169.254.169.254'],
    ]);
    expect(server.app.team.apps.list()).toEqual([]);
    expect(server.app.team.kii.tokens.requests).toBe(0);
  });
});
