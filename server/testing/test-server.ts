import type { FastifyInstance } from 'fastify';
import { startServer } from '../app';
import { defaultConfig, type ServerConfig } from '../config';

/** A real server on ephemeral 127.0.0.1 ports with an in-memory database, for specs. */
export interface TestServer {
  app: FastifyInstance;
  config: ServerConfig;
  /** `http://127.0.0.1:<port>/api`, the SDK's base URL. */
  baseUrl: string;
  /** fetch() against the API with the app headers the SDK sends. */
  api(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const config: ServerConfig = {
    ...defaultConfig,
    host: '127.0.0.1',
    publicHost: '127.0.0.1',
    port: 0,
    mqttPort: 0,
    inMemory: true,
    logLevel: 'silent',
    clientSecret: 'test-client-secret',
    ...overrides,
  };
  const app = await startServer(config);
  const baseUrl = `http://127.0.0.1:${app.kii.ports.http}/api`;
  const api: TestServer['api'] = (path, init = {}) =>
    fetch(`${baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'x-kii-appid': config.appId,
        'x-kii-appkey': config.appKey,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === 'string'
            ? init.body
            : JSON.stringify(init.body),
    });
  return {
    app,
    config,
    baseUrl,
    api,
    async adminToken() {
      const response = await api('/oauth2/token', {
        body: { client_id: config.clientId, client_secret: config.clientSecret },
      });
      return ((await response.json()) as { access_token: string }).access_token;
    },
    close: () => app.close(),
  };
}
