import type { KiiAppCredentials } from '../kii/admin-tokens';
import { guardedFetch } from '../kii/guarded-fetch';
import { startLocalKii, type LocalKiiProcess } from '../kii/local-kii-process';
import type { RoleGrant } from '../people/roles';
import {
  expectOk,
  startTestConsoleServer,
  TeamClient,
  type RequestOptions,
  type TestConsoleServer,
} from './test-console-server';

/**
 * Spec support for the Kii routes: the real local Kii server as a child process, a console
 * server in-process whose Kii client reports every admin token Kii hands it, and clients that
 * keep every response they receive, so a spec can prove no response carried a secret.
 */
export interface KiiTeamFixture {
  kii: LocalKiiProcess;
  server: TestConsoleServer;
  /** The local server's demo app, connected through POST /apps by a team admin. */
  app: KiiAppCredentials;
  /** Every access_token Kii's token endpoint answered to the console server. */
  adminTokens: Set<string>;
  /** Status line, headers (Set-Cookie included) and body of every response of every client. */
  responses: string[];
  /** A person with these roles, signed in through the API. */
  signedIn(login: string, roles: RoleGrant[]): Promise<TeamClient>;
  /** A client not signed in (its responses are kept too). */
  client(): TeamClient;
  /** The response texts (and audit rows) holding the client secret or an admin token. */
  leaks(): string[];
  stop(): Promise<void>;
}

/** A client that keeps a copy of each response in `sink` (headers first, then the body). */
class RecordingClient extends TeamClient {
  constructor(
    origin: string,
    private readonly sink: string[],
  ) {
    super(origin);
  }

  override async request(method: string, path: string, options: RequestOptions = {}) {
    const response = await super.request(method, path, options);
    const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`);
    const cookies = response.headers.getSetCookie().map((line) => `set-cookie: ${line}`);
    const body = await response.clone().text();
    this.sink.push(
      [`${method} ${path} -> ${response.status}`, ...headers, ...cookies, '', body].join('\n'),
    );
    return response;
  }
}

export async function startKiiTeamFixture(): Promise<KiiTeamFixture> {
  const kii = await startLocalKii();
  const adminTokens = new Set<string>();
  // Sees every exchange of the console server's Kii client; only token answers are read.
  // Over the server's own guarded transport, so every Kii route spec exercises it.
  const guarded = guardedFetch({ allowPrivate: true });
  const observingFetch: typeof fetch = async (input, init) => {
    const response = await guarded(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url).pathname.endsWith('/oauth2/token') && response.ok) {
      const body = (await response.clone().json()) as { access_token?: unknown };
      if (typeof body.access_token === 'string') adminTokens.add(body.access_token);
    }
    return response;
  };
  let server: TestConsoleServer;
  try {
    server = await startTestConsoleServer({}, { kii: { fetch: observingFetch } });
  } catch (error) {
    await kii.stop();
    throw error;
  }
  const responses: string[] = [];
  const app = kii.credentials;

  const signedIn = async (login: string, roles: RoleGrant[]) => {
    await server.addPerson(login, roles);
    const client = new RecordingClient(server.origin, responses);
    await expectOk(await client.signIn(login));
    return client;
  };

  const connector = await signedIn('connector', [{ appId: '*', role: 'admin' }]);
  await expectOk(
    await connector.request('POST', '/team/api/apps', {
      body: {
        appId: app.appId,
        label: 'Local demo',
        site: 'custom',
        baseUrl: app.baseUrl,
        appKey: app.appKey,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      },
    }),
  );

  return {
    kii,
    server,
    app,
    adminTokens,
    responses,
    signedIn,
    client: () => new RecordingClient(server.origin, responses),
    leaks() {
      const secrets = [app.clientSecret, ...adminTokens];
      const auditRows = [...server.app.team.audit.inOrder()].map((row) => JSON.stringify(row));
      return [...responses, ...auditRows].filter((text) =>
        secrets.some((secret) => text.includes(secret)),
      );
    },
    async stop() {
      await server.close();
      await kii.stop();
    },
  };
}

/** Reads the newest audit rows of a person (any action), newest first. */
export function auditRowsOf(fixture: KiiTeamFixture, person: string, action?: string) {
  return fixture.server.app.team.audit.page({ all: true }, { person, action }, 50);
}
