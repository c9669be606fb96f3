import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';

/** The environment variable that may hold the vault key (base64 of 32 bytes). */
export const VAULT_KEY_ENV = 'KPC_CONSOLE_KEY';
export const VAULT_KEY_BYTES = 32;

/** Why the vault cannot open; the message says what to do, and never holds key material. */
export class VaultKeyError extends Error {
  override readonly name = 'VaultKeyError';
  constructor(
    readonly code: 'KEY_MALFORMED' | 'KEY_UNREADABLE' | 'KEY_MISMATCH',
    message: string,
  ) {
    super(message);
  }
}

export interface VaultKeySource {
  /** `--key-file`: read it, or create it (mode 0600) with a random key when it does not exist. */
  keyFile?: string;
  /** Defaults to process.env; KPC_CONSOLE_KEY there wins over the file. */
  env?: Record<string, string | undefined>;
}

export interface VaultKey {
  key: Buffer;
  /** Where it came from, for the start-up line (never the key itself). */
  origin: string;
  /** True when this call generated the key file. */
  created: boolean;
}

/**
 * The 32-byte key that seals connected apps' credentials: from KPC_CONSOLE_KEY, else from the
 * key file, which is created with a fresh random key on first start. A key file readable by
 * group or others is tightened to 0600, since the database copy plus the key is everything.
 */
export function loadVaultKey(source: VaultKeySource): VaultKey {
  const fromEnv = (source.env ?? process.env)[VAULT_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { key: decodeKey(fromEnv, VAULT_KEY_ENV), origin: VAULT_KEY_ENV, created: false };
  }
  if (!source.keyFile) {
    throw new VaultKeyError(
      'KEY_UNREADABLE',
      `No vault key: set ${VAULT_KEY_ENV} (base64 of ${VAULT_KEY_BYTES} random bytes) or pass --key-file <path>`,
    );
  }
  const created = createKeyFileIfMissing(source.keyFile);
  let text: string;
  try {
    if ((statSync(source.keyFile).mode & 0o077) !== 0) chmodSync(source.keyFile, 0o600);
    text = readFileSync(source.keyFile, 'utf8');
  } catch (error) {
    throw new VaultKeyError(
      'KEY_UNREADABLE',
      `Cannot read the vault key file ${source.keyFile}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  return {
    key: decodeKey(text, `the key file ${source.keyFile}`),
    origin: source.keyFile,
    created,
  };
}

/** Writes a new random key with O_EXCL, so two processes starting at once cannot both win. */
function createKeyFileIfMissing(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new VaultKeyError(
      'KEY_UNREADABLE',
      `Cannot create the vault key file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    writeSync(fd, `${randomBytes(VAULT_KEY_BYTES).toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores bad characters, so check the round trip as well as the length.
  if (key.length !== VAULT_KEY_BYTES || key.toString('base64') !== trimmed) {
    throw new VaultKeyError(
      'KEY_MALFORMED',
      `The vault key in ${where} must be base64 of exactly ${VAULT_KEY_BYTES} bytes`,
    );
  }
  return key;
}

/** A fresh random key in the form the key file and KPC_CONSOLE_KEY take. */
export function newVaultKeyText(): string {
  return randomBytes(VAULT_KEY_BYTES).toString('base64');
}
