import type { Db } from '../db/database';

/** Tracked keys are bounded; the oldest windows go first, so the table stays small under a spray. */
const MAX_TRACKED = 10_000;

export interface LockOut {
  retryAfterSeconds: number;
}

interface FailureRow {
  failures: number;
  window_ends_at: number;
}

/** Seconds until `until`, rounded up, at least 1: what Retry-After says. */
export function secondsUntil(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/**
 * Slows password guessing: after `allowed` failed sign-ins for one account from one client
 * address within the window, further tries are refused until the window ends, right password
 * or not. Keyed by address and account, so one address guessing at an account does not lock
 * its owner out from their own address. A successful sign-in clears the count. The counts are
 * rows of the console server's database (migration 006), so a restart does not forget them.
 */
export function createSignInLimiter(
  db: Db,
  options: { allowed: number; windowMs: number },
  now = () => Date.now(),
) {
  const read = db.prepare<[string, string], FailureRow>(
    'SELECT failures, window_ends_at FROM sign_in_failures WHERE address = ? AND login = ?',
  );
  // Ended windows are pruned first, so a row that is still there counts on.
  const count = db.prepare<[string, string, number], FailureRow>(
    `INSERT INTO sign_in_failures (address, login, failures, window_ends_at) VALUES (?, ?, 1, ?)
     ON CONFLICT (address, login) DO UPDATE SET failures = failures + 1
     RETURNING failures, window_ends_at`,
  );
  const clear = db.prepare('DELETE FROM sign_in_failures WHERE address = ? AND login = ?');
  const pruneEnded = db.prepare('DELETE FROM sign_in_failures WHERE window_ends_at <= ?');
  const tracked = db.prepare('SELECT COUNT(*) FROM sign_in_failures').pluck();
  const dropOldest = db.prepare(
    `DELETE FROM sign_in_failures WHERE (address, login) IN
       (SELECT address, login FROM sign_in_failures ORDER BY window_ends_at LIMIT ?)`,
  );

  function lockOut(row: FailureRow | undefined, at: number): LockOut | undefined {
    if (!row || row.window_ends_at <= at || row.failures < options.allowed) return undefined;
    return { retryAfterSeconds: secondsUntil(row.window_ends_at, at) };
  }

  const failed = db.transaction((address: string, login: string, at: number) => {
    pruneEnded.run(at);
    if (!read.get(address, login)) {
      const excess = (tracked.get() as number) - MAX_TRACKED + 1;
      if (excess > 0) dropOldest.run(excess);
    }
    return count.get(address, login, at + options.windowMs)!;
  });

  return {
    /** The lock-out in force for this address and account, if any. */
    lockedOut(address: string, login: string): LockOut | undefined {
      return lockOut(read.get(address, login), now());
    },
    /** Counts a failure; returns how many tries are left and the lock-out it started, if any. */
    failed(address: string, login: string): { triesLeft: number; lockOut?: LockOut } {
      const at = now();
      const row = failed(address, login, at);
      return {
        triesLeft: Math.max(0, options.allowed - row.failures),
        lockOut: lockOut(row, at),
      };
    },
    succeeded(address: string, login: string): void {
      clear.run(address, login);
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

/** "15 minutes", "1 minute", "40 seconds": how a lock-out reads to a person. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
