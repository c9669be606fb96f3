import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleServerConfig } from '../../config';
import { startTestConsoleServer, type TestConsoleServer } from '../../testing/test-console-server';
import { SsoBrowser, type Landing } from './sso-browser';
import {
  startTestOidcProvider,
  type TestAccount,
  type TestOidcProvider,
} from './test-oidc-provider';

export const CLIENT_ID = 'kpc-console';
export const CLIENT_SECRET = 'test-client-secret-9f2c41d7e8';
export const PROVIDER_ID = 'corp';

/** The role mapping the specs sign in under. */
export const ROLE_MAPPING = {
  claim: 'groups',
  roles: {
    'console-admins': { '*': 'admin' },
    'support-desk': { app1: 'support' },
    ops: { app1: 'operator', app2: 'viewer' },
  },
};

export const TEST_ACCOUNTS: TestAccount[] = [
  {
    sub: 'u-ada',
    username: 'ada',
    password: 'ada-pass',
    name: 'Ada Lovelace',
    email: 'ada@example.test',
    groups: ['ops', 'unrelated'],
  },
  {
    sub: 'u-grace',
    username: 'grace',
    password: 'grace-pass',
    name: 'Grace Hopper',
    email: 'grace@example.test',
    groups: ['console-admins'],
  },
  {
    sub: 'u-eve',
    username: 'eve',
    password: 'eve-pass',
    name: 'Eve',
    email: 'eve@example.test',
    groups: ['marketing'],
  },
];

/** A config file for the console server naming `issuer`, its secret in a file beside it. */
export function writeOidcConfig(dir: string, issuer: string, extra: object[] = []): string {
  writeFileSync(join(dir, 'corp.secret'), `${CLIENT_SECRET}\n`, { mode: 0o600 });
  const file = join(dir, 'oidc.json');
  const corp = {
    id: PROVIDER_ID,
    label: 'Corp SSO',
    issuer,
    clientId: CLIENT_ID,
    clientSecretFile: 'corp.secret',
    scopes: ['openid', 'profile', 'email', 'groups'],
    roleMapping: ROLE_MAPPING,
  };
  writeFileSync(file, JSON.stringify({ providers: [corp, ...extra] }));
  return file;
}

/** A test provider and a console server configured for it, the client registered. */
export interface SsoSetup {
  provider: TestOidcProvider;
  server: TestConsoleServer;
  dir: string;
  /** Starts at the console, signs in at the provider (login and consent forms) and lands back. */
  signIn(browser: SsoBrowser, login: string, password: string): Promise<Landing>;
  close(): Promise<void>;
}

export async function startSsoSetup(
  overrides: Partial<ConsoleServerConfig> = {},
): Promise<SsoSetup> {
  const provider = await startTestOidcProvider(structuredClone(TEST_ACCOUNTS));
  const dir = mkdtempSync(join(tmpdir(), 'kpc-oidc-'));
  const server = await startTestConsoleServer({
    oidcConfig: writeOidcConfig(dir, provider.issuer),
    ...overrides,
  });
  provider.registerClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${server.origin}/team/api/session/oidc/${PROVIDER_ID}/callback`],
  });
  return {
    provider,
    server,
    dir,
    async signIn(browser, login, password) {
      let landing = await browser.navigate(
        `${server.origin}/team/api/session/oidc/${PROVIDER_ID}/start?locale=en`,
      );
      const atProvider = () => landing.url.origin === provider.issuer;
      if (atProvider() && landing.body.includes('/login"')) {
        landing = await browser.submit(landing, { login, password }, '/login');
      }
      // Consent is asked once per account and client; the provider remembers the grant.
      if (atProvider() && landing.body.includes('/confirm"')) {
        landing = await browser.submit(landing, {}, '/confirm');
      }
      return landing;
    },
    async close() {
      await server.close();
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
