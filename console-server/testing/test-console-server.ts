import type { FastifyInstance } from 'fastify';
import { startConsoleServer } from '../app';
import { defaultConfig, type ConsoleServerConfig } from '../config';
import type { ErrorEnvelope } from '../errors';
import type { KiiAdminClientOptions } from '../kii/kii-admin-client';
import { hashPassword, type PasswordCost } from '../people/passwords';
import type { RoleGrant } from '../people/roles';

/**
 * scrypt at a tiny cost, for specs only: a spec run signs in dozens of times, and the real cost
 * (a few hundred ms each) would make the suite slow without testing anything more. The CLI
 * specs run the real cost.
 */
export const TEST_PASSWORD_COST: PasswordCost = { N: 1024, r: 8, p: 1 };
export const TEST_PASSWORD = 'test-password-123';

/** A real console server on an ephemeral 127.0.0.1 port, with an in-memory database. */
export interface TestConsoleServer {
  app: FastifyInstance;
  config: ConsoleServerConfig;
  /** `http://127.0.0.1:<port>`, the origin pages of this server have. */
  origin: string;
  /** Adds a person directly (no API, no audit row) with TEST_PASSWORD. */
  addPerson(login: string, roles?: RoleGrant[]): Promise<number>;
  /** A browser-like client with its own cookie jar. */
  client(): TeamClient;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** The x-kpc-csrf header: the session's token by default, false for none. */
  csrf?: string | false;
  /** The Origin header: this server's own by default, false for none. */
  origin?: string | false;
}

/** Sends requests as the console's pages would: cookie, CSRF token and Origin. */
export class TeamClient {
  /** The session cookie as `name=value`, once signed in. */
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(private readonly origin: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers['cookie'] = this.cookie;
    if (options.origin !== false) headers['origin'] = options.origin ?? this.origin;
    if (options.csrf !== false) headers['x-kpc-csrf'] = options.csrf ?? this.csrfToken ?? 'sign-in';
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    this.keepCookie(response);
    return response;
  }

  /** Signs in; on success the cookie and CSRF token are kept for later requests. */
  async signIn(login: string, password = TEST_PASSWORD, options: RequestOptions = {}) {
    const response = await this.request('POST', '/team/api/session', {
      body: { login, password },
      ...options,
    });
    if (response.ok) {
      const me = (await response.clone().json()) as { csrfToken: string };
      this.csrfToken = me.csrfToken;
    }
    return response;
  }

  private keepCookie(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
  }
}

/** `kii`: options of the server's Kii client, e.g. a fetch that observes its exchanges. */
export async function startTestConsoleServer(
  overrides: Partial<ConsoleServerConfig> = {},
  options: { kii?: KiiAdminClientOptions } = {},
): Promise<TestConsoleServer> {
  const config: ConsoleServerConfig = {
    ...defaultConfig,
    port: 0,
    inMemory: true,
    logLevel: 'silent',
    // The specs' Kii is the local server on 127.0.0.1; kii-target.spec.ts turns this off.
    allowPrivateKii: true,
    ...overrides,
  };
  const { app, port } = await startConsoleServer({
    config,
    passwordCost: TEST_PASSWORD_COST,
    kii: options.kii,
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    origin,
    async addPerson(login, roles = []) {
      const { people } = app.team;
      const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);
      const person = people.create({ login, displayName: login, passwordHash });
      people.setRoles(person.id, roles);
      return person.id;
    },
    client: () => new TeamClient(origin),
    close: () => app.close(),
  };
}

/** Reads an error answer, expecting the envelope with this status and code. */
export async function expectApiError(
  response: Response,
  status: number,
  code: string,
): Promise<ErrorEnvelope['error']> {
  const text = await response.text();
  expect(`${response.status} ${text}`).toContain(`${status} `);
  const body = JSON.parse(text) as ErrorEnvelope;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

/** Reads a successful JSON answer, failing with the body when it is not one. */
export async function expectOk<T>(response: Response): Promise<T> {
  const text = await response.text();
  expect(response.ok).withContext(`${response.status} ${text}`).toBeTrue();
  return (text ? JSON.parse(text) : undefined) as T;
}
