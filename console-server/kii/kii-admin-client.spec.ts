import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KiiAdminClient, type KiiAppCredentials } from './kii-admin-client';
import { KiiCallError } from './kii-call-error';
import { registerUser, startLocalKii, type LocalKiiProcess } from './local-kii-process';

/** A fetch that records `METHOD path status` of every exchange, then behaves like fetch. */
function recordingFetch(log: string[], rewrite?: (url: string, init: RequestInit) => RequestInit) {
  return async (input: string | URL | Request, init: RequestInit = {}) => {
    const response = await fetch(input, rewrite ? rewrite(String(input), init) : init);
    log.push(`${init.method} ${new URL(String(input)).pathname} ${response.status}`);
    return response;
  };
}

/** Catches the rejection of `promise` as a KiiCallError (fails the spec otherwise). */
async function failureOf(promise: Promise<unknown>): Promise<KiiCallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KiiCallError);
    return error as KiiCallError;
  }
  throw new Error('expected a KiiCallError, the call succeeded');
}

describe('KiiAdminClient against the local Kii server', () => {
  let kii: LocalKiiProcess;
  let app: KiiAppCredentials;
  let log: string[];
  let client: KiiAdminClient;

  beforeAll(async () => {
    kii = await startLocalKii({ extraArgs: ['--endpoint-delay', '300'] });
    app = kii.credentials;
  }, 30_000);
  afterAll(async () => kii?.stop());
  beforeEach(() => {
    log = [];
    client = new KiiAdminClient({ fetch: recordingFetch(log) });
  });

  it('fetches the admin token once and reuses it', async () => {
    await client.findInstallation(app, {
      deviceType: 'ANDROID',
      registrationID: 'demo-fcm-registration-token-carol',
    });
    await client.localExtensions(app);
    await client.listInstallations(app, { limit: 1 });
    expect(client.tokens.requests).toBe(1);
    expect(log.filter((line) => line.startsWith('POST /api/oauth2/token'))).toEqual([
      'POST /api/oauth2/token 200',
    ]);
  });

  it('installs a user, waits out 503 MQTT_ENDPOINT_NOT_READY, and reuses the installation', async () => {
    const userID = await registerUser(app, `endpoint-${Date.now()}`);
    const first = await client.install(app, { userID }, { development: true });
    expect(first.created).toBeTrue();
    const endpoint = await client.mqttEndpoint(app, first.installationID);
    expect(endpoint.installationID).toBe(first.installationID);
    expect(endpoint.host).toBe('127.0.0.1');
    expect(endpoint.portWS).toBe(kii.http);
    expect(endpoint.mqttTopic).not.toBe('');
    expect(endpoint.ttlSeconds).toBeGreaterThan(0);
    const endpointCalls = log.filter((line) => line.includes('/mqtt-endpoint'));
    expect(endpointCalls[0]).toMatch(/ 503$/);
    expect(endpointCalls.at(-1)).toMatch(/ 200$/);

    const again = await client.install(app, { userID });
    expect(again).toEqual({ ...first, created: false });
  });

  it('gives up on 503 after the policy’s attempts, with the 503 as the error', async () => {
    const sleeps: number[] = [];
    const impatient = new KiiAdminClient({
      fetch: recordingFetch(log),
      endpointRetry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      sleep: async (ms) => void sleeps.push(ms),
    });
    const userID = await registerUser(app, `impatient-${Date.now()}`);
    const { installationID } = await impatient.install(app, { userID });
    const error = await failureOf(impatient.mqttEndpoint(app, installationID));
    expect([error.status, error.errorCode]).toEqual([503, 'MQTT_ENDPOINT_NOT_READY']);
    expect(sleeps).toEqual([1, 2]);
    expect(log.filter((line) => line.includes('/mqtt-endpoint')).length).toBe(3);
  });

  it('looks up and uninstalls by installation ID and by deviceType:registrationID', async () => {
    const userA = await registerUser(app, `lookup-a-${Date.now()}`);
    const userB = await registerUser(app, `lookup-b-${Date.now()}`);
    const a = await client.install(app, { userID: userA });
    const b = await client.install(app, { userID: userB });

    const byId = await client.findInstallation(app, { installationID: a.installationID });
    const byRegistration = await client.findInstallation(app, {
      deviceType: 'MQTT',
      registrationID: a.installationRegistrationID,
    });
    expect(byId).toEqual(byRegistration);
    expect(byId).toEqual(
      jasmine.objectContaining({ deviceType: 'MQTT', userID: userA, development: false }),
    );

    await client.uninstall(app, { installationID: a.installationID });
    await client.uninstall(app, {
      deviceType: 'MQTT',
      registrationID: b.installationRegistrationID,
    });
    for (const ref of [
      { installationID: a.installationID },
      { installationID: b.installationID },
    ]) {
      const gone = await failureOf(client.findInstallation(app, ref));
      expect([gone.status, gone.errorCode]).toEqual([404, 'INSTALLATION_NOT_FOUND']);
    }
  });

  it('answers unknown IDs and owners with typed errors, without retrying a 404', async () => {
    const lookup = await failureOf(client.findInstallation(app, { installationID: 'nosuchid' }));
    expect([lookup.status, lookup.errorCode, lookup.operation]).toEqual([
      404,
      'INSTALLATION_NOT_FOUND',
      'get installation',
    ]);
    const byReg = await failureOf(
      client.uninstall(app, { deviceType: 'IOS', registrationID: 'no-such-token' }),
    );
    expect([byReg.status, byReg.errorCode]).toEqual([404, 'INSTALLATION_NOT_FOUND']);
    const endpoint = await failureOf(client.mqttEndpoint(app, 'nosuchid'));
    expect(endpoint.errorCode).toBe('INSTALLATION_NOT_FOUND');
    expect(log.filter((line) => line.includes('/mqtt-endpoint')).length).toBe(1);
    const owner = await failureOf(client.install(app, { userID: 'no-such-user' }));
    expect([owner.status, owner.errorCode]).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('refuses wrong client credentials without echoing the secret', async () => {
    const secret = 'wrong-secret-abcdef123456';
    const error = await failureOf(
      client.install({ ...app, clientSecret: secret }, { userID: 'alice' }),
    );
    expect([error.status, error.errorCode]).toEqual([400, 'invalid_grant']);
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    expect(error.message).not.toContain(secret);
  });

  it('drops the token Kii echoes in WRONG_TOKEN, and retries a stale token only once', async () => {
    const bogus = 'bogus-admin-token-0123456789';
    const stubborn = new KiiAdminClient({
      fetch: recordingFetch(log, (url, init) =>
        url.includes('/installations/')
          ? {
              ...init,
              headers: {
                ...(init.headers as Record<string, string>),
                authorization: `Bearer ${bogus}`,
              },
            }
          : init,
      ),
    });
    const error = await failureOf(stubborn.findInstallation(app, { installationID: 'x1' }));
    expect([error.status, error.errorCode]).toEqual([403, 'WRONG_TOKEN']);
    expect(JSON.stringify(error.toJSON())).not.toContain(bogus);
    expect(error.details['appID']).toBe(app.appId);
    expect(stubborn.tokens.requests).toBe(2);
    expect(log.filter((line) => line.includes('/installations/')).length).toBe(2);
  });

  it('lists through the x-local extension, with filters and paging', async () => {
    expect(await client.localExtensions(app)).toContain('installations');
    const android = await client.listInstallations(app, { deviceType: 'ANDROID' });
    expect(android.installations.map((i) => i.installationRegistrationID)).toEqual([
      'demo-fcm-registration-token-carol',
    ]);
    const first = await client.listInstallations(app, { limit: 2 });
    expect(first.installations.length).toBe(2);
    expect(first.total).toBeGreaterThanOrEqual(6);
    const second = await client.listInstallations(app, {
      limit: 2,
      paginationKey: first.nextPaginationKey,
    });
    expect(second.installations[0].installationID).not.toBe(first.installations[0].installationID);
  });

  it('sends pushes to an app topic and directly to a user, and names a missing topic', async () => {
    const message = { data: { hello: 'team' }, mqtt: { enabled: true } };
    const topic = await client.sendPush(
      app,
      { kind: 'app-topic', topicID: 'announcements' },
      message,
    );
    expect(topic.pushMessageID).toEqual(jasmine.any(String));
    const carol = await client.findInstallation(app, {
      deviceType: 'ANDROID',
      registrationID: 'demo-fcm-registration-token-carol',
    });
    const direct = await client.sendPush(app, { kind: 'user', userID: carol.userID! }, message);
    expect(direct.pushMessageID).toEqual(jasmine.any(String));
    const missing = await failureOf(
      client.sendPush(app, { kind: 'app-topic', topicID: 'no-such-topic' }, message),
    );
    expect([missing.status, missing.errorCode]).toEqual([404, 'TOPIC_NOT_FOUND']);
  });
});

describe('KiiAdminClient after the Kii server restarts with another secret', () => {
  let kii: LocalKiiProcess;
  afterAll(async () => kii?.stop());

  it('gets WRONG_TOKEN for the cached token, fetches one new token and retries once', async () => {
    kii = await startLocalKii();
    const log: string[] = [];
    const client = new KiiAdminClient({ fetch: recordingFetch(log) });
    const ref = {
      deviceType: 'ANDROID' as const,
      registrationID: 'demo-fcm-registration-token-carol',
    };
    await client.findInstallation(kii.credentials, ref);

    const port = kii.http;
    await kii.stop();
    kii = await startLocalKii({ port, clientSecret: 'the-rotated-secret-0123456789' });
    // The vault holds the new secret now; the cache still holds the old server's token.
    const found = await client.findInstallation(kii.credentials, ref);
    expect(found.deviceType).toBe('ANDROID');
    expect(client.tokens.requests).toBe(2);
    expect(log).toEqual([
      'POST /api/oauth2/token 200',
      'GET /api/apps/demoapp/installations/ANDROID:demo-fcm-registration-token-carol 200',
      'GET /api/apps/demoapp/installations/ANDROID:demo-fcm-registration-token-carol 403',
      'POST /api/oauth2/token 200',
      'GET /api/apps/demoapp/installations/ANDROID:demo-fcm-registration-token-carol 200',
    ]);
  }, 30_000);
});

describe('KiiAdminClient without a Kii server', () => {
  const app = (baseUrl: string): KiiAppCredentials => ({
    baseUrl,
    appId: 'app1',
    appKey: 'key1',
    clientId: 'client1',
    clientSecret: 'a-secret-that-must-not-leak',
  });
  let silent: Server;
  let base: string;

  beforeAll(async () => {
    // Answers 404 to x-local/v1/info as Kii Cloud would, and never answers anything else.
    silent = createServer((request, response) => {
      if (request.url?.includes('/x-local/')) response.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('turns a refused connection into NETWORK_ERROR with status 0', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failureOf(
      new KiiAdminClient().install(app(`http://127.0.0.1:${port}/api`), { userID: 'u' }),
    );
    expect([error.status, error.errorCode, error.operation]).toEqual([
      0,
      'NETWORK_ERROR',
      'get app admin token',
    ]);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('a-secret-that-must-not-leak');
  });

  it('turns a server that never answers into TIMEOUT', async () => {
    const error = await failureOf(
      new KiiAdminClient({ timeoutMs: 200 }).install(app(base), { userID: 'u' }),
    );
    expect([error.status, error.errorCode]).toEqual([0, 'TIMEOUT']);
  });

  it('reports no extensions for a server without x-local, and refuses to list', async () => {
    const client = new KiiAdminClient({ timeoutMs: 2000 });
    expect(await client.localExtensions(app(base))).toEqual([]);
    const error = await failureOf(client.listInstallations(app(base)));
    expect(error.errorCode).toBe('EXTENSION_NOT_AVAILABLE');
  });
});
