import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/database';
import { createGroupCommit } from '../db/group-commit';
import { createInstallationRepository, type InstallationRepository } from './installations';
import { createUserRepository } from './principals';

/** Installs go through the group commit and hand their rows to the cache once committed. */
describe('installation repository', () => {
  let dataDir: string;
  let db: Db;
  let other: Database.Database;
  let installations: InstallationRepository;
  let users: ReturnType<typeof createUserRepository>;
  const rowsOf = (userId: string) =>
    other.prepare('SELECT id FROM installations WHERE user_id = ?').all(userId);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kpc-installations-'));
    db = openDatabase({ dataDir, inMemory: false });
    // A second connection sees only what has been committed, and writes behind the cache's back.
    other = new Database(join(dataDir, 'kii-local.sqlite'));
    installations = createInstallationRepository(db, createGroupCommit(db), {
      endpointDelayMs: 0,
      mqttTtlSeconds: 3600,
    });
    users = createUserRepository(db);
  });
  afterEach(() => {
    other.close();
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const user = (loginName: string) => users.create({ loginName, custom: {} }, 'hash').id;

  it('answers only after the commit, then serves the new endpoint from memory', async () => {
    const alice = user('alice');
    const pending = installations.install({
      owner: { userID: alice },
      deviceType: 'MQTT',
      development: false,
    });
    expect(rowsOf(alice)).toEqual([]);
    const result = await pending;
    expect(result.outcome).toBe('created');
    if (result.outcome !== 'created') return;
    expect(rowsOf(alice)).toEqual([{ id: result.row.id }]);
    const endpoint = installations.endpoint(result.row.id);
    // Deleted by another connection: the client's fetch right after installing reads no SQLite.
    other.prepare('DELETE FROM endpoints WHERE installation_id = ?').run(result.row.id);
    expect(installations.endpoint(result.row.id)).toEqual(endpoint);
    expect(endpoint?.ready_at).toBeLessThanOrEqual(Date.now());
  });

  it('writes nothing for an owner deleted while the install waited for its transaction', async () => {
    const bob = user('bob');
    const pending = installations.install({
      owner: { userID: bob },
      deviceType: 'MQTT',
      development: false,
    });
    users.remove(bob);
    expect(await pending).toEqual({ outcome: 'owner-not-found' });
    expect(rowsOf(bob)).toEqual([]);
  });

  it('re-assigns a push token to its new owner and forgets the cached row', async () => {
    const [carol, dave] = [user('carol'), user('dave')];
    const install = (userID: string) =>
      installations.install({
        owner: { userID },
        deviceType: 'ANDROID',
        registrationId: 'token-1',
        development: false,
      });
    const first = await install(carol);
    if (first.outcome === 'owner-not-found') return fail('carol exists');
    expect(installations.find(first.row.id)?.user_id).toBe(carol);
    const second = await install(dave);
    expect(second.outcome).toBe('existing');
    expect(installations.find(first.row.id)?.user_id).toBe(dave);
  });
});
