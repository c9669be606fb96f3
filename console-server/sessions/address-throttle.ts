import { isIPv6 } from 'node:net';
import type { Db } from '../db/database';
import { secondsUntil, type LockOut } from './sign-in-limit';

/** Addresses tracked at most; the oldest windows go first. */
const MAX_TRACKED = 10_000;

interface RefusalRow {
  refusals: number;
  window_ends_at: number;
}

/**
 * The address a sign-in budget belongs to: an IPv4 address as it is (also when it arrives
 * IPv4-mapped), an IPv6 address by its /64, since one host can take any address of its /64
 * and would otherwise get a fresh budget per address.
 */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const prefix = groups.slice(0, 4).map((group) => (Number.parseInt(group, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}

/**
 * Bounds what one client address can make the server do with sign-ins it is refused, whatever
 * the login: after `allowed` refusals (wrong password, unknown login, locked or disabled
 * account, failed single sign-on) within the window, the address is throttled until the window
 * ends. Each refusal below the limit is audited as before; the throttle is audited once, when
 * it starts (console-server/sessions/sign-in-throttle.ts). Successful sign-ins are not counted
 * and do not reset the count. Rows of the database (migration 006), so a restart keeps them.
 */
export function createAddressThrottle(
  db: Db,
  options: { allowed: number; windowMs: number },
  now = () => Date.now(),
) {
  const read = db.prepare<[string], RefusalRow>(
    'SELECT refusals, window_ends_at FROM sign_in_address_refusals WHERE address = ?',
  );
  // Ended windows are pruned first, so a row that is still there counts on.
  const count = db.prepare<[string, number], RefusalRow>(
    `INSERT INTO sign_in_address_refusals (address, refusals, window_ends_at) VALUES (?, 1, ?)
     ON CONFLICT (address) DO UPDATE SET refusals = refusals + 1
     RETURNING refusals, window_ends_at`,
  );
  const pruneEnded = db.prepare('DELETE FROM sign_in_address_refusals WHERE window_ends_at <= ?');
  const tracked = db.prepare('SELECT COUNT(*) FROM sign_in_address_refusals').pluck();
  const dropOldest = db.prepare(
    `DELETE FROM sign_in_address_refusals WHERE address IN
       (SELECT address FROM sign_in_address_refusals ORDER BY window_ends_at LIMIT ?)`,
  );

  const refused = db.transaction((bucket: string, at: number) => {
    pruneEnded.run(at);
    if (!read.get(bucket)) {
      const excess = (tracked.get() as number) - MAX_TRACKED + 1;
      if (excess > 0) dropOldest.run(excess);
    }
    return count.get(bucket, at + options.windowMs)!;
  });

  return {
    /** The throttle in force for this address, if any. */
    throttled(address: string): LockOut | undefined {
      const row = read.get(addressBucket(address));
      const at = now();
      if (!row || row.window_ends_at <= at || row.refusals < options.allowed) return undefined;
      return { retryAfterSeconds: secondsUntil(row.window_ends_at, at) };
    },
    /**
     * Counts a refused sign-in. `audit` says whether it is still within the budget (refusals
     * that raced past the limit are not audited one by one); `started` is set by the refusal
     * that reaches the limit, once per window: the caller audits the throttle then.
     */
    refused(address: string): {
      bucket: string;
      audit: boolean;
      started?: LockOut & { refusals: number };
    } {
      const bucket = addressBucket(address);
      const at = now();
      const row = refused(bucket, at);
      const audit = row.refusals <= options.allowed;
      if (row.refusals !== options.allowed) return { bucket, audit };
      const retryAfterSeconds = secondsUntil(row.window_ends_at, at);
      return { bucket, audit, started: { refusals: row.refusals, retryAfterSeconds } };
    },
  };
}

export type AddressThrottle = ReturnType<typeof createAddressThrottle>;
