import { createHash } from 'node:crypto';
import { expectKiiError, kiiRest, type KiiRest } from '../testing/kii-rest';
import { startTestServer, type TestServer } from '../testing/test-server';

/** The salted SHA-256 format of earlier versions: `salt:hex(sha256(salt + password))`. */
function legacyHash(password: string, salt = '0123456789abcdef0123456789abcdef'): string {
  return `${salt}:${createHash('sha256')
    .update(salt + password)
    .digest('hex')}`;
}

const scryptFormat = /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/;

describe('stored passwords', () => {
  let server: TestServer;
  let rest: KiiRest;

  beforeAll(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
  });
  afterAll(() => server.close());

  function storedHash(table: 'users' | 'things', id: string): string {
    return (
      server.app.kii.db.prepare(`SELECT password_hash FROM ${table} WHERE id = ?`).get(id) as {
        password_hash: string;
      }
    ).password_hash;
  }

  function setStoredHash(table: 'users' | 'things', id: string, hash: string): void {
    server.app.kii.db.prepare(`UPDATE ${table} SET password_hash = ? WHERE id = ?`).run(hash, id);
  }

  it('stores a user password as scrypt with its parameters, and logs in with it only', async () => {
    const alice = await rest.registerUser('alice', 'alice-pass');
    expect(storedHash('users', alice.id)).toMatch(scryptFormat);
    expect((await rest.login('alice', 'alice-pass')).id).toBe(alice.id);
    await expectKiiError(
      await server.api('/oauth2/token', { body: { username: 'alice', password: 'wrong-pass' } }),
      400,
      'invalid_grant',
    );
  });

  it('stores a thing password as scrypt, and logs in with it only', async () => {
    const thing = await rest.registerThing('lamp-1', 'lamp-pass');
    expect(storedHash('things', thing.id)).toMatch(scryptFormat);
    const username = 'VENDOR_THING_ID:lamp-1';
    expect((await rest.login(username, 'lamp-pass')).id).toBe(thing.id);
    await expectKiiError(
      await server.api('/oauth2/token', { body: { username, password: 'wrong-pass' } }),
      400,
      'invalid_grant',
    );
  });

  it('logs in with a legacy salted SHA-256 hash and re-hashes it with scrypt', async () => {
    const bob = await rest.registerUser('bob', 'bob-pass');
    setStoredHash('users', bob.id, legacyHash('bob-pass'));
    await expectKiiError(
      await server.api('/oauth2/token', { body: { username: 'bob', password: 'bob-pass!' } }),
      400,
      'invalid_grant',
    );
    expect(storedHash('users', bob.id)).toBe(legacyHash('bob-pass'));

    expect((await rest.login('bob', 'bob-pass')).id).toBe(bob.id);
    expect(storedHash('users', bob.id)).toMatch(scryptFormat);
    expect((await rest.login('bob', 'bob-pass')).id).toBe(bob.id);
  });

  it('logs a thing in with a legacy hash too', async () => {
    const thing = await rest.registerThing('lamp-2', 'lamp-pass');
    setStoredHash('things', thing.id, legacyHash('lamp-pass'));
    expect((await rest.login('VENDOR_THING_ID:lamp-2', 'lamp-pass')).id).toBe(thing.id);
    expect(storedHash('things', thing.id)).toMatch(scryptFormat);
  });

  it('refuses the login, without a 500, when the stored hash is malformed', async () => {
    const carol = await rest.registerUser('carol', 'carol-pass');
    for (const broken of [
      '',
      'no-separator',
      'scrypt$x$y$z$salt$hash',
      'scrypt$1099511627776$8$1$a$b',
    ]) {
      setStoredHash('users', carol.id, broken);
      await expectKiiError(
        await server.api('/oauth2/token', { body: { username: 'carol', password: 'carol-pass' } }),
        400,
        'invalid_grant',
      );
    }
  });
});
