import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { withAdminSecret } from './admin-secret';
import { defaultConfig } from './config';
import { expectKiiError, expectOk, kiiRest } from './testing/kii-rest';
import { startTestServer, type TestServer } from './testing/test-server';

/**
 * Tokens are bound to what issued them and stored only as digests; the data directory and its
 * files are private to their owner; the app admin secret is never a well-known default.
 */
describe('secrets at rest and token binding', () => {
  let dataDir: string;
  let server: TestServer | undefined;

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'kpc-secrets-')), 'data');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  const onDisk = (overrides: Record<string, string> = {}) =>
    startTestServer({ inMemory: false, dataDir, ...overrides });

  async function restart(overrides: Record<string, string> = {}): Promise<TestServer> {
    await server!.close();
    server = await onDisk(overrides);
    return server;
  }

  async function userToken(target: TestServer): Promise<string> {
    return (await kiiRest(target).registerUser('binding-alice')).token;
  }

  it('stops honouring an app admin token once the server restarts with another client secret or client ID', async () => {
    server = await onDisk({ clientSecret: 'first-secret' });
    const admin = await server.adminToken();
    const probe = (target: TestServer) =>
      target.api(`/x-local/v1/apps/${target.config.appId}/installations`, { token: admin });

    await expectOk(await probe(await restart({ clientSecret: 'first-secret' })));
    await expectKiiError(
      await probe(await restart({ clientSecret: 'rotated' })),
      403,
      'WRONG_TOKEN',
    );
    await expectKiiError(
      await probe(await restart({ clientSecret: 'first-secret', clientId: 'other-admin' })),
      403,
      'WRONG_TOKEN',
    );
  });

  it('does not let a user token of one app act on another app served from the same data directory', async () => {
    server = await onDisk();
    const token = await userToken(server);
    await expectOk(await server.api(`/apps/${server.config.appId}/users/me`, { token }));

    const other = await restart({ appId: 'otherapp' });
    const response = await other.api('/apps/otherapp/users/me', { token });
    await expectKiiError(response, 403, 'WRONG_TOKEN');
  });

  it('stores no bearer token in the database file, only digests', async () => {
    server = await onDisk();
    const token = await userToken(server);
    const admin = await server.adminToken();
    await server.close();
    server = undefined;
    const db = new Database(join(dataDir, 'kii-local.sqlite'), { readonly: true });
    try {
      const dump = JSON.stringify(db.prepare('SELECT * FROM tokens').all());
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(admin);
      expect(db.prepare('SELECT count(*) AS n FROM tokens').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });

  it('creates the data directory, the database and the admin secret file private to their owner', async () => {
    const config = withAdminSecret({ ...defaultConfig, dataDir, clientSecret: '' });
    server = await onDisk({ clientSecret: config.clientSecret });
    await userToken(server);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'kii-local.sqlite'))).toBe(0o600);
    expect(mode(join(dataDir, 'kii-local.sqlite-wal'))).toBe(0o600);
    expect(mode(join(dataDir, 'admin-client-secret'))).toBe(0o600);
  });

  it('makes up an unguessable admin secret per data directory and keeps it across restarts', () => {
    const first = withAdminSecret({ ...defaultConfig, dataDir, clientSecret: '' }).clientSecret;
    const again = withAdminSecret({ ...defaultConfig, dataDir, clientSecret: '' }).clientSecret;
    const elsewhere = withAdminSecret({ ...defaultConfig, inMemory: true, clientSecret: '' });
    expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(again).toBe(first);
    expect(elsewhere.clientSecret).not.toBe(first);
    expect(readFileSync(join(dataDir, 'admin-client-secret'), 'utf8').trim()).toBe(first);
    expect(withAdminSecret({ ...defaultConfig, dataDir, clientSecret: 'given' }).clientSecret).toBe(
      'given',
    );
  });
});
