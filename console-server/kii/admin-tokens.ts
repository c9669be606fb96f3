import { KiiCallError } from './kii-call-error';
import { joinUrl, kiiFetch, stringField, type KiiHttpOptions } from './kii-http';

/** What the console server needs to act as a Kii app's admin. Server-side only, never logged. */
export interface KiiAppCredentials {
  /** Site base URL ending in `/api`, e.g. `https://api-jp.kii.com/api` (docs/kii-api.md §1.1). */
  baseUrl: string;
  appId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
}

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is fetched again; Infinity for Kii's "never expires". */
  renewAfter: number;
}

/** Tokens are renewed this long before Kii says they expire. */
const RENEW_MARGIN_MS = 60_000;
/** expires_in of a token without expiry (docs/kii-api.md §4.1). */
const NEVER_EXPIRES_SECONDS = 2147483647;

/**
 * App admin tokens, fetched with the client credentials and kept in memory per site, app and
 * client ID (never on disk: the vault stores only the secret they come from). Concurrent
 * callers share one token request.
 */
export class AdminTokens {
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  /** Token requests made so far; read by specs and by the console server's metrics. */
  requests = 0;

  constructor(private readonly http: KiiHttpOptions) {}

  /** A valid-looking admin token for the app: cached, or fetched now. */
  async get(app: KiiAppCredentials): Promise<string> {
    const key = cacheKey(app);
    const cached = this.tokens.get(key);
    if (cached) {
      const entry = await cached.catch(() => undefined);
      if (entry && entry.renewAfter > Date.now()) return entry.token;
      if (this.tokens.get(key) === cached) this.tokens.delete(key);
    }
    // Another caller may have started a renewal while this one waited.
    const pending = this.tokens.get(key) ?? this.start(key, app);
    return (await pending).token;
  }

  private start(key: string, app: KiiAppCredentials): Promise<CachedToken> {
    const pending = this.fetchToken(app);
    this.tokens.set(key, pending);
    // A failed request is not cached: the next call tries again.
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }

  /** Drops the app's token if it is still `token` (another caller may have renewed it). */
  async invalidate(app: KiiAppCredentials, token?: string): Promise<void> {
    const key = cacheKey(app);
    const cached = this.tokens.get(key);
    if (!cached) return;
    const entry = await cached.catch(() => undefined);
    if (this.tokens.get(key) !== cached) return;
    if (token === undefined || entry === undefined || entry.token === token)
      this.tokens.delete(key);
  }

  /** Forgets every token of an app, e.g. when its credentials are replaced or removed. */
  forget(appId: string): void {
    for (const key of this.tokens.keys()) {
      if (key.split('\0')[1] === appId) this.tokens.delete(key);
    }
  }

  /**
   * `POST {base}/oauth2/token` with the app headers and `client_id`/`client_secret`, no
   * `grant_type`, as the SDK's admin login does (docs/kii-api.md §4.1).
   */
  private async fetchToken(app: KiiAppCredentials): Promise<CachedToken> {
    this.requests++;
    const operation = 'get app admin token';
    const answer = await kiiFetch(
      {
        operation,
        method: 'POST',
        url: joinUrl(app.baseUrl, '/oauth2/token'),
        headers: { 'x-kii-appid': app.appId, 'x-kii-appkey': app.appKey },
        body: { client_id: app.clientId, client_secret: app.clientSecret },
        secrets: [app.clientSecret],
      },
      this.http,
    );
    const token = stringField(operation, answer.body, 'access_token');
    const expiresIn = (answer.body as { expires_in?: unknown }).expires_in;
    const seconds = typeof expiresIn === 'number' ? expiresIn : NEVER_EXPIRES_SECONDS;
    if (seconds <= 0)
      throw new KiiCallError(operation, 200, 'INVALID_RESPONSE', `${operation}: expired token`);
    const renewAfter =
      seconds >= NEVER_EXPIRES_SECONDS
        ? Infinity
        : Date.now() + Math.max(seconds * 1000 - RENEW_MARGIN_MS, (seconds * 1000) / 2);
    return { token, renewAfter };
  }
}

function cacheKey(app: KiiAppCredentials): string {
  return `${app.baseUrl.replace(/\/+$/, '')}\0${app.appId}\0${app.clientId}`;
}

/**
 * Whether a refusal means the cached token is no longer good. Kii's mocks answer an unknown
 * token with 403 WRONG_TOKEN, the reference a missing one with 401 UNAUTHORIZED, and the exact
 * split is UNCONFIRMED (docs/kii-api.md §11), so both lead to one fresh token and one retry.
 */
export function isStaleTokenRefusal(error: unknown): boolean {
  return (
    error instanceof KiiCallError &&
    (error.status === 401 || (error.status === 403 && error.errorCode === 'WRONG_TOKEN'))
  );
}
