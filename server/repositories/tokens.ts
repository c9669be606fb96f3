import { createHash } from 'node:crypto';
import type { Db } from '../db/database';
import { newId } from '../ids';

export type PrincipalType = 'admin' | 'user' | 'thing';
/** What a token can stand for: a principal, or only the app (an anonymous token). */
export type TokenHolder = PrincipalType | 'anonymous';

export interface TokenRow {
  principal_type: TokenHolder;
  principal_id: string;
  issuer: string;
  expires_at: number | null;
}

/** A freshly issued token: the only moment its plaintext exists on the server. */
export interface IssuedToken extends TokenRow {
  token: string;
}

/** What issues tokens: the app, and the credentials each kind of token was obtained with. */
export interface TokenIssuers {
  appId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
}

function sha256(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('base64url');
}

/**
 * The fingerprint a token of each kind is bound to. An app admin token stops working when the
 * server restarts with another client ID or secret, an anonymous token when the app key changes,
 * and a user or thing token when the data directory is served under another app ID.
 */
export function issuerFingerprints(app: TokenIssuers): Record<TokenHolder, string> {
  return {
    admin: sha256('admin', app.appId, app.clientId, app.clientSecret),
    anonymous: sha256('anonymous', app.appId, app.appKey),
    user: sha256('principal', app.appId),
    thing: sha256('principal', app.appId),
  };
}

/**
 * Bearer tokens, stored as SHA-256 digests bound to their issuer. `expires_at` null means the
 * token never expires (Kii's default). Tokens are 256 random bits, so an unsalted fast hash is
 * enough: there is nothing to guess.
 */
export function createTokenRepository(db: Db, app: TokenIssuers) {
  const issuers = issuerFingerprints(app);
  const insert = db.prepare(
    'INSERT INTO tokens (token_hash, principal_type, principal_id, issuer, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare<[string], TokenRow>(
    'SELECT principal_type, principal_id, issuer, expires_at FROM tokens WHERE token_hash = ?',
  );
  const removeFor = db.prepare('DELETE FROM tokens WHERE principal_type = ? AND principal_id = ?');
  // Every API call resolves its bearer token: a bounded in-memory cache saves the SHA-256 and a
  // SQLite read on the hot paths (endpoint fetches, installs). It is keyed by the token itself:
  // only the database file, which outlives the process and gets copied, must not hold tokens.
  // Revocation goes through revokeAll.
  const cache = new Map<string, TokenRow>();
  const CACHE_LIMIT = 10_000;

  return {
    issue(type: TokenHolder, principalId: string, expiresAt: number | null): IssuedToken {
      const token = newId.token();
      const issuer = issuers[type];
      insert.run(sha256(token), type, principalId, issuer, expiresAt, Date.now());
      return {
        token,
        principal_type: type,
        principal_id: principalId,
        issuer,
        expires_at: expiresAt,
      };
    },
    /** The token's row when it exists, was issued by this app's current credentials and is live. */
    findLive(token: string, now = Date.now()): TokenRow | undefined {
      let row = cache.get(token);
      if (!row) {
        row = byHash.get(sha256(token));
        if (row) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(token, row);
        }
      }
      if (!row || row.issuer !== issuers[row.principal_type]) return undefined;
      if (row.expires_at !== null && row.expires_at <= now) return undefined;
      return row;
    },
    revokeAll(type: PrincipalType, principalId: string): void {
      removeFor.run(type, principalId);
      for (const [token, row] of cache) {
        if (row.principal_type === type && row.principal_id === principalId) cache.delete(token);
      }
    },
  };
}

export type TokenRepository = ReturnType<typeof createTokenRepository>;
