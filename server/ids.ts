import { createHash, randomBytes, randomFillSync, randomUUID, timingSafeEqual } from 'node:crypto';

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Cryptographically random bytes handed out from a 4 KB pool refilled in one call: on this
 * project's VMs each small randomBytes() call costs about 7 us, and an MQTT install needs five
 * IDs. The returned view is only valid until the next call; use it at once.
 */
const randomPool = Buffer.alloc(4096);
let randomPoolOffset = randomPool.length;

function poolBytes(length: number): Buffer {
  if (length > randomPool.length) return randomBytes(length);
  if (randomPoolOffset + length > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const bytes = randomPool.subarray(randomPoolOffset, randomPoolOffset + length);
  randomPoolOffset += length;
  return bytes;
}

/** Random text over an alphabet. Never contains `%`, which the Kii SDK would URI-decode. */
export function randomText(length: number, alphabet = alnum): string {
  const bytes = poolBytes(length);
  let out = '';
  // 256 is not a multiple of 36 or 62; the slight bias is irrelevant for opaque IDs.
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** Shapes follow Kii's own samples (docs/kii-api.md §5.1, §4.5, §5.7); clients treat them as opaque. */
export const newId = {
  user: () => randomUUID(),
  thing: () => `th.${randomText(24, lowerAlnum)}`,
  installation: () => randomText(25, lowerAlnum),
  registration: () => randomUUID(),
  token: () => poolBytes(32).toString('base64url'),
  mqttUsername: () => randomText(32),
  mqttPassword: () => randomText(64),
  // 23 characters: the longest client ID MQTT 3.1 guarantees, and the client ID is the topic.
  mqttTopic: () => randomText(23),
  pushMessage: () => randomText(24, lowerAlnum),
};

/**
 * Passwords of a local development server: salted SHA-256 keeps logins fast for tests and
 * benchmarks. Not meant to protect production secrets.
 */
export function hashPassword(password: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${salt}:${createHash('sha256')
    .update(salt + password)
    .digest('hex')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  const candidate = createHash('sha256')
    .update(salt + password)
    .digest();
  return timingSafeEqual(candidate, Buffer.from(hash, 'hex'));
}

/**
 * Constant-time comparison of two secrets. Only the length can leak, as with any HMAC or token
 * comparison; the contents never do. (It hashed both sides with SHA-256 before: two digests on
 * every API call, 9 % of an endpoint fetch's CPU in a profile.)
 */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
