import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt from node:crypto (no native dependency). The default cost,
 * N=2^15, r=8, p=3 (32 MiB), is one of the OWASP Password Storage Cheat Sheet's equivalents of
 * its scrypt minimum (N=2^17, r=8, p=1) that needs a quarter of the memory; it takes a few
 * hundred ms on this project's 2-core machines. Always the async scrypt, on libuv's thread
 * pool, so a sign-in never blocks the event loop. The stored text names its parameters
 * (`scrypt$N$r$p$salt$key`, base64url): verifying uses the stored cost, so the default can rise
 * later without breaking stored hashes.
 */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_PASSWORD_COST: PasswordCost = { N: 1 << 15, r: 8, p: 3 };
const KEY_BYTES = 32;
/** Refuses absurd parameters read back from a stored hash instead of allocating for them. */
const MAX_N = 1 << 20;
/** Longer passwords are refused at the API; this only bounds the work here. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 12;

function scryptAsync(password: string, salt: Buffer, cost: PasswordCost): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default maxmem (32 MiB) is just too small for that.
  const maxmem = 256 * cost.N * cost.r;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(
  password: string,
  cost = DEFAULT_PASSWORD_COST,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    scheme === 'scrypt' &&
    [cost.N, cost.r, cost.p].every((v) => Number.isSafeInteger(v) && v > 0) &&
    cost.N <= MAX_N &&
    cost.r <= 32 &&
    cost.p <= 16 &&
    hash !== undefined;
  if (!valid) return false;
  const expected = Buffer.from(hash, 'base64url');
  try {
    const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), cost);
    return key.length === expected.length && timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

const decoySalt = randomBytes(16);

/**
 * The work of one password check for an account that does not exist (or has no password), so a
 * sign-in takes as long whether or not the login name is taken: no enumeration by timing.
 */
export async function spendPasswordCheck(
  password: string,
  cost = DEFAULT_PASSWORD_COST,
): Promise<false> {
  await scryptAsync(password, decoySalt, cost);
  return false;
}

/** A password for people to copy once: 144 random bits, URL-safe. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
