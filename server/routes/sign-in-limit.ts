import { KiiHttpError } from '../errors';

/** Failed sign-ins allowed per client address and account within the window. */
export const SIGN_IN_FAILURES_ALLOWED = 10;
export const SIGN_IN_WINDOW_MS = 5 * 60_000;
/** Tracked keys are bounded; the oldest go first, so memory stays flat under a spray. */
const MAX_TRACKED = 10_000;

interface Failures {
  count: number;
  /** When the window that started with the first failure ends. */
  until: number;
}

/**
 * Slows password guessing at the token endpoint: after SIGN_IN_FAILURES_ALLOWED wrong passwords
 * or secrets for one account from one address, further tries are refused with 429 until the
 * window ends, whether or not they are right. A successful sign-in clears the count. The key is
 * address + account, so one client locking out an account does not lock out the others, which
 * on a development machine all come from 127.0.0.1.
 */
export function createSignInLimiter(now = () => Date.now()) {
  const failures = new Map<string, Failures>();

  function live(key: string): Failures | undefined {
    const entry = failures.get(key);
    if (entry && entry.until <= now()) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    /** Throws 429 while the key is locked out. */
    check(key: string): void {
      const entry = live(key);
      if (!entry || entry.count < SIGN_IN_FAILURES_ALLOWED) return;
      const seconds = Math.ceil((entry.until - now()) / 1000);
      const description = `Too many failed sign-ins for this account; try again in ${seconds} s`;
      throw new KiiHttpError(429, 'TOO_MANY_REQUESTS', description, {
        error: 'too_many_requests',
        error_description: description,
        retryAfterSeconds: seconds,
      });
    },
    failed(key: string): void {
      const entry = live(key);
      if (entry) {
        entry.count++;
        return;
      }
      if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
      failures.set(key, { count: 1, until: now() + SIGN_IN_WINDOW_MS });
    },
    succeeded(key: string): void {
      failures.delete(key);
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;
