import { openDatabase, type Db } from '../db/database';
import { createPeopleRepository } from '../people/people-repository';
import { createSessionRepository } from './session-repository';

/** Session lifetimes with a controlled clock. */
describe('session repository', () => {
  let db: Db;
  let now: number;
  let personId: number;
  const minute = 60_000;

  beforeEach(() => {
    db = openDatabase({ dataDir: '', inMemory: true });
    now = 1_000_000;
    personId = createPeopleRepository(db).create({
      login: 'ada',
      displayName: 'Ada',
      passwordHash: null,
    }).id;
  });
  afterEach(() => db.close());

  const repository = () =>
    createSessionRepository(db, { absoluteMs: 60 * minute, idleMs: 10 * minute }, () => now);

  it('ends a session left idle longer than the idle lifetime', () => {
    const sessions = repository();
    const { sessionId } = sessions.create(personId, '127.0.0.1');
    now += 9 * minute;
    expect(sessions.find(sessionId)).toBeDefined();
    // That request refreshed the idle clock.
    now += 9 * minute;
    expect(sessions.find(sessionId)).toBeDefined();
    now += 10 * minute;
    expect(sessions.find(sessionId)).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('ends a busy session at its absolute lifetime', () => {
    const sessions = repository();
    const { sessionId, session } = sessions.create(personId, '127.0.0.1');
    for (let t = 0; t < 59; t += 5) {
      now += 5 * minute;
      const found = sessions.find(sessionId);
      if (now < session.expiresAt) expect(found).toBeDefined();
    }
    now = session.expiresAt;
    expect(sessions.find(sessionId)).toBeUndefined();
  });

  it('stores only a digest, and derives a CSRF token that differs from it', () => {
    const sessions = repository();
    const { sessionId, session } = sessions.create(personId, '127.0.0.1');
    const stored = db.prepare('SELECT id_digest FROM sessions').pluck().all() as string[];
    expect(stored).toEqual([session.idDigest]);
    expect(stored[0]).not.toContain(sessionId);
    expect(session.csrfToken).not.toBe(session.idDigest);
    expect(sessions.find(sessionId)!.csrfToken).toBe(session.csrfToken);
    expect(sessions.find('x'.repeat(43))).toBeUndefined();
  });

  it('reports the idle end, never past the absolute end', () => {
    const sessions = repository();
    const { session } = sessions.create(personId, '127.0.0.1');
    expect(sessions.idleEnd(session)).toBe(now + 10 * minute);
    expect(sessions.idleEnd({ ...session, lastSeenAt: session.expiresAt - minute })).toBe(
      session.expiresAt,
    );
  });
});
