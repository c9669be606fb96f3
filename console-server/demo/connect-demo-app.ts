import type { KiiAppCredentials } from '../kii/admin-tokens';

/**
 * A minimal API client (the launcher's, the team benchmark's): cookie, CSRF token and Origin
 * as a page sends them.
 */
export class LauncherClient {
  cookie = '';
  csrfToken = 'sign-in';

  constructor(private readonly origin: string) {}

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.origin}/team/api${path}`, {
      method,
      headers: {
        origin: this.origin,
        'x-kpc-csrf': this.csrfToken,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
    if (cookie) this.cookie = cookie;
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /team/api${path}: ${response.status} ${text}`);
    const answer = text ? (JSON.parse(text) as unknown) : undefined;
    const token = (answer as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof token === 'string') this.csrfToken = token;
    return answer;
  }
}

/**
 * Connects the local Kii server's demo app to the console server through its API, as a team
 * admin would on the Apps page: connect the first time, replace the credentials after (the
 * secret may differ, and replacing checks it with Kii again). Going through the API records the
 * app's broker origins for the CSP and leaves the audit rows an admin's connect leaves.
 */
export async function connectDemoApp(options: {
  origin: string;
  admin: { login: string; password: string };
  app: KiiAppCredentials;
}): Promise<'connected' | 'replaced'> {
  const client = new LauncherClient(options.origin);
  const { app } = options;
  const { login, password } = options.admin;
  await client.call('POST', '/session', { login, password });
  try {
    const connected = (await client.call('GET', '/apps')) as { appId: string }[];
    const fields = {
      label: 'Local demo',
      site: 'custom',
      baseUrl: app.baseUrl,
      appKey: app.appKey,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    };
    if (connected.some((each) => each.appId === app.appId)) {
      await client.call('PUT', `/apps/${encodeURIComponent(app.appId)}`, fields);
      return 'replaced';
    }
    await client.call('POST', '/apps', { appId: app.appId, ...fields });
    return 'connected';
  } finally {
    await client.call('DELETE', '/session');
  }
}
