import type { Db } from '../db/database';
import { newId } from '../ids';

export type PrincipalType = 'admin' | 'user' | 'thing';
/** What a token can stand for: a principal, or only the app (an anonymous token). */
export type TokenHolder = PrincipalType | 'anonymous';

export interface TokenRow {
  token: string;
  principal_type: TokenHolder;
  principal_id: string;
  expires_at: number | null;
}

/** Bearer tokens; `expires_at` null means the token never expires (Kii's default). */
export function createTokenRepository(db: Db) {
  const insert = db.prepare(
    'INSERT INTO tokens (token, principal_type, principal_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byToken = db.prepare<[string], TokenRow>(
    'SELECT token, principal_type, principal_id, expires_at FROM tokens WHERE token = ?',
  );
  const removeFor = db.prepare('DELETE FROM tokens WHERE principal_type = ? AND principal_id = ?');
  // Every API call resolves its bearer token: a bounded in-memory cache saves a SQLite read on
  // the hot paths (endpoint fetches, installs). Revocation goes through revokeAll below.
  const cache = new Map<string, TokenRow>();
  const CACHE_LIMIT = 10_000;

  return {
    issue(type: TokenHolder, principalId: string, expiresAt: number | null): TokenRow {
      const token = newId.token();
      insert.run(token, type, principalId, expiresAt, Date.now());
      return { token, principal_type: type, principal_id: principalId, expires_at: expiresAt };
    },
    /** The token's row when it exists and has not expired. */
    findLive(token: string, now = Date.now()): TokenRow | undefined {
      let row = cache.get(token);
      if (!row) {
        row = byToken.get(token);
        if (row) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(token, row);
        }
      }
      if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined;
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
