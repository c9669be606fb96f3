import { exportJWK, generateKeyPair } from 'jose';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload, type Configuration } from 'oidc-provider';

/** A person at the test provider: their password and the claims it hands out. */
export interface TestAccount {
  /** The subject (stable ID) and the name typed into the login form. */
  sub: string;
  password: string;
  name: string;
  email: string;
  /** Changed by specs between sign-ins to see roles re-mapped. */
  groups: string[];
  /** Sent as preferred_username; the sub when unset. */
  username?: string;
}

/** A real OpenID Connect provider (oidc-provider) on 127.0.0.1 with a port of its own. */
export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`, the issuer identifier. */
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** Registers the console server as a confidential client, once its callback URL is known. */
  registerClient(client: { clientId: string; clientSecret: string; redirectUris: string[] }): void;
  close(): Promise<void>;
}

/**
 * oidc-provider's storage: everything in maps, clients included. A client is registered here
 * rather than in the static config because its redirect URI names the console server's port,
 * and the console server discovers the provider while starting, before that port is known.
 */
function memoryAdapter(clients: Map<string, AdapterPayload>) {
  const stores = new Map<string, Map<string, AdapterPayload>>();
  return class MemoryAdapter implements Adapter {
    private readonly store: Map<string, AdapterPayload>;
    constructor(private readonly model: string) {
      if (!stores.has(model)) stores.set(model, model === 'Client' ? clients : new Map());
      this.store = stores.get(model)!;
    }
    async upsert(id: string, payload: AdapterPayload): Promise<void> {
      this.store.set(id, payload);
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      return this.store.get(id);
    }
    async findByUserCode(): Promise<undefined> {
      return undefined;
    }
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return [...this.store.values()].find((payload) => payload.uid === uid);
    }
    async consume(id: string): Promise<void> {
      const payload = this.store.get(id);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> {
      this.store.delete(id);
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [model, store] of stores) {
        if (model === 'Client') continue;
        for (const [id, payload] of store) if (payload.grantId === grantId) store.delete(id);
      }
    }
  };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function loginPage(uid: string, error?: string): string {
  return page(
    'Test provider sign-in',
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username" required>
<label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

function consentPage(uid: string, clientId: string, scopes: string[]): string {
  return page(
    'Test provider consent',
    `<p>${escapeHtml(clientId)} asks for: ${escapeHtml(scopes.join(', '))}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`,
  );
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/**
 * The provider's own login and consent pages (in place of oidc-provider's development ones):
 * a username and password checked against the test accounts, then Allow or Deny.
 */
async function interaction(
  provider: Provider,
  accounts: Map<string, TestAccount>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const [, , uid, action] = new URL(req.url!, 'http://x').pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') return sendHtml(res, loginPage(uid));
    const scopes = String(details.params['scope'] ?? '').split(' ');
    return sendHtml(res, consentPage(uid, String(details.params['client_id']), scopes));
  }
  if (action === 'login') {
    const body = await formBody(req);
    const account = accounts.get(body.get('login') ?? '');
    if (!account || account.password !== body.get('password')) {
      return sendHtml(res, loginPage(uid, 'Wrong username or password'));
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } });
    return;
  }
  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'The person denied the request',
    });
    return;
  }
  const grant = details.grantId
    ? (await provider.Grant.find(details.grantId))!
    : new provider.Grant({
        accountId: details.session!.accountId,
        clientId: String(details.params['client_id']),
      });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    {
      mergeWithLastSubmission: true,
    },
  );
}

/** Starts the provider with the given accounts; PKCE is required of every client. */
export async function startTestOidcProvider(accounts: TestAccount[]): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const byLogin = new Map(accounts.map((a) => [a.sub, a]));
  const clients = new Map<string, AdapterPayload>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const configuration: Configuration = {
    adapter: memoryAdapter(clients),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig' }] as never },
    cookies: { keys: ['test-provider-cookie-key'] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), which also keeps oidc-provider from warning about defaults.
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    async findAccount(_ctx, id) {
      const account = byLogin.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        // Read at every sign-in, so a spec can change the groups in between.
        claims: async () => ({
          sub: id,
          name: account.name,
          preferred_username: account.username ?? id,
          email: account.email,
          groups: account.groups,
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(provider, byLogin, req, res).catch((error: unknown) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${(error as Error).message}`);
      });
      return;
    }
    void handle(req, res);
  });
  return {
    issuer,
    accounts: byLogin,
    registerClient({ clientId, clientSecret, redirectUris }) {
      clients.set(clientId, {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
