/** Tracked keys are bounded; the oldest go first, so memory stays flat under a spray. */
const MAX_TRACKED = 10_000;

interface Failures {
  count: number;
  /** When the window that started with the first failure ends (and with it any lock-out). */
  until: number;
}

export interface LockOut {
  retryAfterSeconds: number;
}

/**
 * Slows password guessing: after `allowed` failed sign-ins for one account from one client
 * address within the window, further tries are refused until the window ends, right password
 * or not. Keyed by address and account, so one address guessing at an account does not lock
 * its owner out from their own address. A successful sign-in clears the count. In memory: a
 * restart forgets the counts, which only helps someone who can restart the server.
 */
export function createSignInLimiter(
  options: { allowed: number; windowMs: number },
  now = () => Date.now(),
) {
  const failures = new Map<string, Failures>();
  const key = (address: string, login: string) => `${address}\n${login}`;

  function live(k: string): Failures | undefined {
    const entry = failures.get(k);
    if (entry && entry.until <= now()) {
      failures.delete(k);
      return undefined;
    }
    return entry;
  }

  function lockOut(entry: Failures | undefined): LockOut | undefined {
    if (!entry || entry.count < options.allowed) return undefined;
    return { retryAfterSeconds: Math.max(1, Math.ceil((entry.until - now()) / 1000)) };
  }

  return {
    /** The lock-out in force for this address and account, if any. */
    lockedOut(address: string, login: string): LockOut | undefined {
      return lockOut(live(key(address, login)));
    },
    /** Counts a failure; returns how many tries are left and the lock-out it started, if any. */
    failed(address: string, login: string): { triesLeft: number; lockOut?: LockOut } {
      const k = key(address, login);
      let entry = live(k);
      if (entry) {
        entry.count++;
      } else {
        if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
        entry = { count: 1, until: now() + options.windowMs };
        failures.set(k, entry);
      }
      return { triesLeft: Math.max(0, options.allowed - entry.count), lockOut: lockOut(entry) };
    },
    succeeded(address: string, login: string): void {
      failures.delete(key(address, login));
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
