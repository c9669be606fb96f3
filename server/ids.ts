import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random text over an alphabet. Never contains `%`, which the Kii SDK would URI-decode. */
export function randomText(length: number, alphabet = alnum): string {
  const bytes = randomBytes(length);
  let out = '';
  // 256 is not a multiple of 36 or 62; the slight bias is irrelevant for opaque IDs.
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** Shapes follow Kii's own samples (kii-api.md §5.1, §4.5, §5.7); clients treat them as opaque. */
export const newId = {
  user: () => randomUUID(),
  thing: () => `th.${randomText(24, lowerAlnum)}`,
  installation: () => randomText(25, lowerAlnum),
  registration: () => randomUUID(),
  token: () => randomBytes(32).toString('base64url'),
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
  return `${salt}:${createHash('sha256').update(salt + password).digest('hex')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  const candidate = createHash('sha256').update(salt + password).digest();
  return timingSafeEqual(candidate, Buffer.from(hash, 'hex'));
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
