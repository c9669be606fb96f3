import {
  createHash,
  randomBytes,
  randomFillSync,
  randomUUID,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';

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
 * Password hashing: scrypt at Node's default cost (N=16384, r=8, p=1: 16 MiB; measured 33 ms per
 * hash on this project's idle 2-core VM, about 80 ms while the other core is busy), run on
 * libuv's thread pool (crypto.scrypt, never scryptSync) so a login never blocks the event loop. The stored text names its parameters,
 * `scrypt$N$r$p$salt$hash` (base64url), so the cost can change later without breaking old rows.
 */
const SCRYPT_COST = { N: 16384, r: 8, p: 1 };
const SCRYPT_KEY_BYTES = 32;
/** Refuses absurd parameters read back from a stored hash instead of allocating for them. */
const SCRYPT_MAX_N = 1 << 20;

function scryptAsync(password: string, salt: Buffer, cost: typeof SCRYPT_COST): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; the default maxmem (32 MiB) would refuse N above 2^17.
  const maxmem = 256 * cost.N * cost.r;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT_KEY_BYTES, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT_COST);
  const { N, r, p } = SCRYPT_COST;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const unknownAccountSalt = randomBytes(16);

/**
 * Does the work of one password check for an account that does not exist, so that a sign-in
 * takes as long whether or not the name is taken (no account enumeration by timing).
 */
export async function verifyNoPassword(password: string): Promise<false> {
  await scryptAsync(password, unknownAccountSalt, SCRYPT_COST);
  return false;
}

/** True when `stored` is not in the current format and cost, so a login should re-hash it. */
export function isOutdatedPasswordHash(stored: string): boolean {
  const { N, r, p } = SCRYPT_COST;
  return !stored.startsWith(`scrypt$${N}$${r}$${p}$`);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return stored.startsWith('scrypt$')
    ? verifyScrypt(password, stored)
    : verifyLegacySha256(password, stored);
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const valid = [cost.N, cost.r, cost.p].every(Number.isSafeInteger) && cost.N <= SCRYPT_MAX_N;
  if (!valid || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  try {
    const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), cost);
    return key.length === expected.length && timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

/**
 * The format of earlier versions, `salt:hex(sha256(salt + password))`, still accepted so an
 * existing data directory keeps its logins; a successful login re-hashes it with scrypt.
 */
function verifyLegacySha256(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (hash === undefined) return false;
  const candidate = createHash('sha256')
    .update(salt + password)
    .digest();
  const expected = Buffer.from(hash, 'hex');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
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
