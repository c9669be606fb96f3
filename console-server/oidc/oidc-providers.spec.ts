import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../config';
import { startConsoleServer } from '../app';
import {
  expectOk,
  startTestConsoleServer,
  type TestConsoleServer,
} from '../testing/test-console-server';
import { SsoBrowser } from './testing/sso-browser';
import { CLIENT_ID, CLIENT_SECRET, ROLE_MAPPING, writeOidcConfig } from './testing/sso-accounts';
import { startTestOidcProvider, type TestOidcProvider } from './testing/test-oidc-provider';

/** A port nothing listens on: bound, noted, closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Providers that cannot be reached, and config files that cannot be used. */
describe('team OIDC providers', () => {
  let dir: string;
  let provider: TestOidcProvider;
  let server: TestConsoleServer | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpc-oidc-providers-'));
    provider = await startTestOidcProvider([]);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with a provider that cannot be reached: password sign-in works, the list leaves it out, its start says so', async () => {
    const down = {
      id: 'down',
      label: 'Down SSO',
      issuer: `http://127.0.0.1:${await closedPort()}`,
      clientId: CLIENT_ID,
      clientSecretEnv: 'KPC_TEST_OIDC_SECRET',
      roleMapping: ROLE_MAPPING,
    };
    process.env['KPC_TEST_OIDC_SECRET'] = CLIENT_SECRET;
    const stderr = spyOn(process.stderr, 'write').and.returnValue(true);
    try {
      server = await startTestConsoleServer({
        oidcConfig: writeOidcConfig(dir, provider.issuer, [down]),
      });
    } finally {
      delete process.env['KPC_TEST_OIDC_SECRET'];
    }
    const report = stderr.calls.allArgs().map(([line]) => String(line));
    expect(report).toContain(
      jasmine.stringMatching(
        /^console-server: OIDC provider down cannot be used \(discovery at http:\/\/127\.0\.0\.1:\d+\/ failed: .+\); password sign-in still works/,
      ),
    );
    expect(report.join('')).not.toContain(CLIENT_SECRET);
    await server.addPerson('ada', [{ appId: 'app1', role: 'viewer' }]);
    const client = server.client();
    await expectOk(await client.signIn('ada'));
    await expectOk(await client.request('GET', '/team/api/me'));
    const providers = await expectOk(await client.request('GET', '/team/api/session/providers'));
    expect(providers).toEqual({ password: true, oidc: [{ id: 'corp', label: 'Corp SSO' }] });

    const landing = await new SsoBrowser().navigate(
      `${server.origin}/team/api/session/oidc/down/start?locale=en`,
    );
    expect(landing.url.pathname).toBe('/en/sign-in');
    expect(landing.url.searchParams.get('ssoError')).toBe('OIDC_PROVIDER_UNAVAILABLE');
    const row = server.app.team.db
      .prepare(
        "SELECT target, status, error_code, details_json FROM audit_log WHERE action = 'sign-in.failed'",
      )
      .get() as { target: string; status: number; error_code: string; details_json: string };
    expect(row.target).toBe('oidc:down');
    expect(row.status).toBe(503);
    expect(row.error_code).toBe('OIDC_PROVIDER_UNAVAILABLE');
    expect(JSON.parse(row.details_json).reason).toContain('cannot be reached');
  });

  it('sends the provider back to the redirect origin of the config, else to --public-origin', async () => {
    const other = {
      id: 'other',
      label: 'Other SSO',
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      clientSecretFile: 'corp.secret',
      redirectOrigin: 'https://sso-return.example.com',
      roleMapping: ROLE_MAPPING,
    };
    server = await startTestConsoleServer({
      publicOrigin: 'https://console.example.com',
      oidcConfig: writeOidcConfig(dir, provider.issuer, [other]),
    });
    const redirectUriOf = async (id: string) => {
      const start = `${server!.origin}/team/api/session/oidc/${id}/start`;
      const answer = await fetch(start, { redirect: 'manual' });
      return new URL(answer.headers.get('location')!).searchParams.get('redirect_uri');
    };
    expect(await redirectUriOf('corp')).toBe(
      'https://console.example.com/team/api/session/oidc/corp/callback',
    );
    expect(await redirectUriOf('other')).toBe(
      'https://sso-return.example.com/team/api/session/oidc/other/callback',
    );
  });

  it('refuses to start on a config file it cannot use, saying what is wrong', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        providers: [
          {
            id: 'corp',
            label: 'Corp',
            issuer: provider.issuer,
            clientId: CLIENT_ID,
            clientSecret: 'inline',
            roleMapping: ROLE_MAPPING,
          },
        ],
      }),
    );
    await expectAsync(
      startConsoleServer({
        config: { ...defaultConfig, port: 0, inMemory: true, logLevel: 'silent', oidcConfig: file },
      }),
    ).toBeRejectedWithError(/clientSecret is not read: put the secret in a file/);
  });
});
