import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';

/** A live session, looked up from the ID in the cookie. */
export interface Session {
  /** SHA-256 of the session ID, hex: the stored key. */
  idDigest: string;
  personId: number;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end; the idle end is lastSeenAt + the idle lifetime. */
  expiresAt: number;
  /** The token the client must echo in `x-kpc-csrf` on state-changing requests. */
  csrfToken: string;
}

interface SessionRow {
  id_digest: string;
  person_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Only this much idle time passes between writes of last_seen_at, so reads stay read-only. */
const TOUCH_EVERY_MS = 60_000;

const digest = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

/**
 * The CSRF token is derived from the session ID, which only the httpOnly cookie carries: a page
 * of another origin can neither read the cookie nor compute the token, and nothing extra is
 * stored. It is a different value from the stored digest, so the database alone yields neither.
 */
const csrfTokenFor = (sessionId: string) =>
  createHmac('sha256', sessionId).update('kpc-csrf-v1').digest('base64url');

/**
 * Sessions with absolute and idle expiry. Session IDs are 256 random bits, handed to the client
 * once (in the cookie) and stored only as SHA-256 digests.
 */
export function createSessionRepository(
  db: Db,
  lifetimes: { absoluteMs: number; idleMs: number },
  now = () => Date.now(),
) {
  const insert = db.prepare(
    `INSERT INTO sessions (id_digest, person_id, created_at, last_seen_at, expires_at, client_address)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const byDigest = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id_digest = ?');
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_digest = ?');
  const remove = db.prepare('DELETE FROM sessions WHERE id_digest = ?');
  const removeOfPerson = db.prepare(
    'DELETE FROM sessions WHERE person_id = ? AND id_digest IS NOT ?',
  );
  const removeEnded = db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');

  return {
    /** Starts a session; the returned ID goes into the cookie and nowhere else. */
    create(personId: number, clientAddress: string): { sessionId: string; session: Session } {
      const sessionId = randomBytes(32).toString('base64url');
      const at = now();
      const expiresAt = at + lifetimes.absoluteMs;
      insert.run(digest(sessionId), personId, at, at, expiresAt, clientAddress);
      // Sign-ins are rare: a good moment to drop sessions that have ended.
      removeEnded.run(at, at - lifetimes.idleMs);
      return {
        sessionId,
        session: {
          idDigest: digest(sessionId),
          personId,
          createdAt: at,
          lastSeenAt: at,
          expiresAt,
          csrfToken: csrfTokenFor(sessionId),
        },
      };
    },
    /** The live session for a cookie's ID, refreshing its idle clock; undefined when ended. */
    find(sessionId: string): Session | undefined {
      const key = digest(sessionId);
      const row = byDigest.get(key);
      if (!row) return undefined;
      const at = now();
      if (row.expires_at <= at || row.last_seen_at + lifetimes.idleMs <= at) {
        remove.run(key);
        return undefined;
      }
      if (at - row.last_seen_at >= TOUCH_EVERY_MS) touch.run(at, key);
      return {
        idDigest: key,
        personId: row.person_id,
        createdAt: row.created_at,
        lastSeenAt: at,
        expiresAt: row.expires_at,
        csrfToken: csrfTokenFor(sessionId),
      };
    },
    /** When the session ends if no further request comes. */
    idleEnd(session: Session): number {
      return Math.min(session.expiresAt, session.lastSeenAt + lifetimes.idleMs);
    },
    end(session: Session): void {
      remove.run(session.idDigest);
    },
    endById(sessionId: string): void {
      remove.run(digest(sessionId));
    },
    /** Signs a person out everywhere (but `keep`, if given); returns how many sessions ended. */
    endAllOf(personId: number, keep?: Session): number {
      return removeOfPerson.run(personId, keep?.idDigest ?? null).changes;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
