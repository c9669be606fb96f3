import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** The sealed credentials of one connected app (docs/kii-api.md §4.1 names what they are for). */
export interface AppSecrets {
  baseUrl: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
}

/** First byte of every sealed blob; a new format takes the next number. */
const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a blob does not open: wrong key, another app's blob, or a changed byte. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/**
 * Seals with AES-256-GCM: `01 | IV (12 random bytes) | ciphertext | tag (16 bytes)`, the
 * plaintext being the JSON of {@link AppSecrets} and the additional authenticated data the app
 * ID in UTF-8. A fresh IV per call; with random 96-bit IVs one key stays far below GCM's 2^32
 * message bound for any number of apps a console will hold.
 */
export function sealSecrets(key: Buffer, appId: string, secrets: AppSecrets): Buffer {
  return sealText(key, appId, JSON.stringify(secrets));
}

/** Opens a blob made by {@link sealSecrets} for this app ID, or throws {@link SealError}. */
export function openSecrets(key: Buffer, appId: string, blob: Buffer): AppSecrets {
  return JSON.parse(openText(key, appId, blob, `The credentials of app ${appId}`)) as AppSecrets;
}

/**
 * Seals any text as {@link sealSecrets} does, bound to `aad` (a row's identity, so a blob copied
 * onto another row does not open). The vault seals monitor things' passwords this way.
 */
export function sealText(key: Buffer, aad: string, text: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const plaintext = Buffer.from(text, 'utf8');
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  return Buffer.concat([Buffer.of(FORMAT_V1), iv, body, cipher.getAuthTag()]);
}

/** Opens a blob of {@link sealText}; `what` names it in the {@link SealError}. */
export function openText(key: Buffer, aad: string, blob: Buffer, what: string): string {
  if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== FORMAT_V1) {
    throw new SealError(`${what} are not in a format this server knows`);
  }
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const body = blob.subarray(1 + IV_BYTES, blob.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // GCM says only "unauthenticated"; which of key, row or bytes is wrong it cannot tell.
    throw new SealError(
      `${what} do not open with this key (wrong key, or the stored bytes were changed)`,
    );
  }
  const text = plaintext.toString('utf8');
  plaintext.fill(0);
  return text;
}

/**
 * A key check value: HMAC-SHA256 of a fixed label under the key. Stored beside the sealed rows,
 * it tells a wrong key at start-up without revealing anything about the key.
 */
export function keyCheckValue(key: Buffer): Buffer {
  return createHmac('sha256', key).update('kii-push-console vault key check v1').digest();
}
