import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleServerConfig } from '../../config';
import { startTestConsoleServer, type TestConsoleServer } from '../../testing/test-console-server';
import { SsoBrowser, type Landing } from './sso-browser';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  PROVIDER_ID,
  TEST_ACCOUNTS,
  writeOidcConfig,
} from './sso-accounts';
import { startTestOidcProvider, type TestOidcProvider } from './test-oidc-provider';

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
