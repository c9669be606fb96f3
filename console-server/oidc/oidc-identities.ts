import type { Db } from '../db/database';

/**
 * Links between people and OpenID Connect identities (migration 004): a provider's issuer and
 * the subject it names a person by. The pair is the only key; e-mail plays no part.
 */
export function createOidcIdentities(db: Db, now = () => Date.now()) {
  const find = db.prepare<[string, string], { person_id: number }>(
    'SELECT person_id FROM person_identities WHERE issuer = ? AND subject = ?',
  );
  const insert = db.prepare(
    `INSERT INTO person_identities (issuer, subject, person_id, provider_id, created_at, last_sign_in_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const touch = db.prepare(
    'UPDATE person_identities SET last_sign_in_at = ?, provider_id = ? WHERE issuer = ? AND subject = ?',
  );
  return {
    /** The person linked to this identity, if any. */
    personId(issuer: string, subject: string): number | undefined {
      return find.get(issuer, subject)?.person_id;
    },
    link(issuer: string, subject: string, personId: number, providerId: string): void {
      const at = now();
      insert.run(issuer, subject, personId, providerId, at, at);
    },
    signedIn(issuer: string, subject: string, providerId: string): void {
      touch.run(now(), providerId, issuer, subject);
    },
  };
}

export type OidcIdentities = ReturnType<typeof createOidcIdentities>;
