import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { createGroupCommit } from './group-commit';

/** Writes queued in one event-loop turn share a transaction; each caller hears after the commit. */
describe('group commit', () => {
  let dataDir: string;
  let db: Db;
  let reader: Database.Database;
  const tokens = () =>
    (
      reader.prepare('SELECT token_hash AS token FROM tokens ORDER BY token_hash').all() as {
        token: string;
      }[]
    ).map((row) => row.token);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kpc-group-commit-'));
    db = openDatabase({ dataDir, inMemory: false });
    // A second connection sees only what has been committed.
    reader = new Database(join(dataDir, 'kii-local.sqlite'), { readonly: true });
  });
  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function insertToken(token: string) {
    db.prepare(
      "INSERT INTO tokens (token_hash, principal_type, principal_id, issuer, created_at) VALUES (?, 'user', 'u-1', 'i', 1)",
    ).run(token);
    return token;
  }

  it('runs the works of one turn in one transaction and resolves each once it is committed', async () => {
    const writes = createGroupCommit(db);
    const seenInTransaction: boolean[] = [];
    const committedMeanwhile: string[][] = [];
    const committedWhenResolved: string[][] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((token) =>
        writes
          .run(() => {
            seenInTransaction.push(db.inTransaction);
            committedMeanwhile.push(tokens());
            return insertToken(token);
          })
          .then((value) => {
            committedWhenResolved.push(tokens());
            return value;
          }),
      ),
    );
    expect(results).toEqual(['a', 'b', 'c']);
    expect(seenInTransaction).toEqual([true, true, true]);
    // One transaction: while the batch ran, none of its rows had been committed yet.
    expect(committedMeanwhile).toEqual([[], [], []]);
    // Not one caller heard back before all three rows were visible to another connection.
    expect(committedWhenResolved).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('rolls back only the work that throws, and rejects only its caller', async () => {
    const writes = createGroupCommit(db);
    const outcomes = await Promise.allSettled([
      writes.run(() => insertToken('a')),
      writes.run(() => {
        insertToken('b');
        throw new Error('refused');
      }),
      writes.run(() => insertToken('c')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('refused');
    expect(tokens()).toEqual(['a', 'c']);
  });

  it('rejects every caller of a batch whose commit fails, and writes none of it', async () => {
    const writes = createGroupCommit(db);
    const outcomes = await Promise.allSettled([
      writes.run(() => insertToken('a')),
      writes.run(() => {
        // A deferred foreign-key violation only shows at COMMIT, failing the whole batch.
        db.pragma('defer_foreign_keys = ON');
        db.prepare(
          "INSERT INTO endpoints VALUES ('no-such-installation', 'user', 'pass', 'topic', 0, 0)",
        ).run();
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(tokens()).toEqual([]);
    expect(db.inTransaction).toBeFalse();
    // The next batch commits normally.
    await writes.run(() => insertToken('d'));
    expect(tokens()).toEqual(['d']);
  });
});
