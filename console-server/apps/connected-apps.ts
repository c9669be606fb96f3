import type { Database } from 'better-sqlite3';
import { timingSafeEqual } from 'node:crypto';
import type { KiiAppCredentials } from '../kii/admin-tokens';
import {
  keyCheckValue,
  openSecrets,
  openText,
  sealSecrets,
  sealText,
  type AppSecrets,
} from './credential-cipher';
import { VaultKeyError } from './vault-key';

/**
 * Kii Cloud's sites as the SDK's `KiiSite` names them (docs/kii-api.md §1.1); the browser
 * console keeps the same table in src/app/core/kii-site.ts, which needs Angular's $localize.
 */
export const KII_CLOUD_SITES = {
  us: 'https://api.kii.com/api',
  jp: 'https://api-jp.kii.com/api',
  sg: 'https://api-sg.kii.com/api',
  eu: 'https://api-eu.kii.com/api',
} as const;

export type AppSite = keyof typeof KII_CLOUD_SITES | 'custom';

/** What an admin enters to connect an app. */
export interface ConnectedAppInput {
  appId: string;
  label?: string;
  site: AppSite;
  /** Required for `custom` (e.g. the local server's `http://host:8080/api`); ignored otherwise. */
  baseUrl?: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
}

/** A connected app as lists show it: no app key, client ID or secret. */
export interface ConnectedAppSummary {
  appId: string;
  label: string;
  site: AppSite;
  baseUrl: string;
  addedBy: string;
  addedAt: number;
  updatedAt: number;
}

/** A refusal the route can show as is (400 or 409). */
export class ConnectedAppError extends Error {
  override readonly name = 'ConnectedAppError';
  constructor(
    readonly code: 'APP_ALREADY_CONNECTED' | 'APP_NOT_CONNECTED' | 'INVALID_APP',
    message: string,
  ) {
    super(message);
  }
}

interface AppRow {
  app_id: string;
  label: string;
  site: AppSite;
  base_url: string;
  sealed_credentials: Buffer;
  added_by: string;
  added_at: number;
  updated_at: number;
}

export interface ConnectedApps {
  /** Seals and stores a new app; refuses an app ID already connected. */
  add(input: ConnectedAppInput, addedBy: string): ConnectedAppSummary;
  /** Replaces an app's site and credentials (e.g. a new client secret), keeping who added it. */
  replace(input: ConnectedAppInput): ConnectedAppSummary;
  /** Every connected app, by label; never any credential. */
  list(): ConnectedAppSummary[];
  get(appId: string): ConnectedAppSummary | undefined;
  /** The decrypted credentials, for the console server's Kii calls only: never send or log. */
  credentials(appId: string): KiiAppCredentials | undefined;
  /** True when the app was connected. The registry keeps its rows (see 002_apps_registry.sql). */
  remove(appId: string): boolean;
  /**
   * Seals other secrets with the vault key (monitor things' passwords), bound to `aad`, the
   * row's identity. Every table holding such blobs is re-sealed by {@link rotateKey}.
   */
  seal(aad: string, text: string): Buffer;
  /** Opens a blob of {@link seal}; `what` names it if it does not open. */
  open(aad: string, blob: Buffer, what: string): string;
  /**
   * Re-seals every app (and every monitor thing's password) under `newKey` in one transaction;
   * afterwards only `newKey` opens them. Returns the number of apps.
   */
  rotateKey(newKey: Buffer): number;
}

/**
 * The credentials vault over the `connected_apps` table. Opening checks `key` against the
 * stored key check value and throws {@link VaultKeyError} (KEY_MISMATCH) for a wrong key, so the
 * console server refuses to start rather than fail on every app later.
 */
export function openConnectedApps(
  db: Database,
  key: Buffer,
  now: () => number = Date.now,
): ConnectedApps {
  let currentKey = Buffer.from(key);
  checkVaultKey(db, currentKey, now);

  const insert = db.prepare(
    `INSERT INTO connected_apps (app_id, label, site, base_url, sealed_credentials, added_by, added_at, updated_at)
     VALUES (@app_id, @label, @site, @base_url, @sealed_credentials, @added_by, @added_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE connected_apps SET label = @label, site = @site, base_url = @base_url,
       sealed_credentials = @sealed_credentials, updated_at = @updated_at WHERE app_id = @app_id`,
  );
  const reseal = db.prepare('UPDATE connected_apps SET sealed_credentials = ? WHERE app_id = ?');
  const selectOne = db.prepare<[string], AppRow>('SELECT * FROM connected_apps WHERE app_id = ?');
  const selectAll = db.prepare<[], AppRow>('SELECT * FROM connected_apps ORDER BY label, app_id');
  const deleteOne = db.prepare('DELETE FROM connected_apps WHERE app_id = ?');
  const monitorRows = db.prepare<[], { app_id: string; person: string; sealed_password: Buffer }>(
    'SELECT app_id, person, sealed_password FROM monitor_things',
  );
  const resealMonitor = db.prepare(
    'UPDATE monitor_things SET sealed_password = ? WHERE app_id = ? AND person = ?',
  );
  const setCheck = db.prepare(
    'INSERT OR REPLACE INTO vault_key_check (id, check_value, set_at) VALUES (1, ?, ?)',
  );

  const opened = new Map<string, { sealed: Buffer; credentials: KiiAppCredentials }>();

  const row = (input: ConnectedAppInput, addedBy: string, addedAt: number): AppRow => {
    const secrets = validated(input);
    return {
      app_id: input.appId,
      label: input.label?.trim() || input.appId,
      site: input.site,
      base_url: secrets.baseUrl,
      sealed_credentials: sealSecrets(currentKey, input.appId, secrets),
      added_by: addedBy,
      added_at: addedAt,
      updated_at: now(),
    };
  };

  return {
    add(input, addedBy) {
      if (selectOne.get(input.appId)) {
        throw new ConnectedAppError(
          'APP_ALREADY_CONNECTED',
          `App ${input.appId} is already connected`,
        );
      }
      const fresh = row(input, addedBy, now());
      insert.run(fresh);
      return summary(fresh);
    },
    replace(input) {
      const existing = selectOne.get(input.appId);
      if (!existing) throw notConnected(input.appId);
      const fresh = row(input, existing.added_by, existing.added_at);
      update.run(fresh);
      return summary(fresh);
    },
    list: () => selectAll.all().map(summary),
    get(appId) {
      const found = selectOne.get(appId);
      return found && summary(found);
    },
    credentials(appId) {
      const found = selectOne.get(appId);
      if (!found) {
        opened.delete(appId);
        return undefined;
      }
      // Every Kii call asks; opening the blob (AES-GCM, JSON) cost about 50 us each time. The
      // row is still read, so a replace, a removal or a key rotation (by this process or the
      // CLI) is seen at once: only the very same sealed bytes reuse what they opened to.
      const cached = opened.get(appId);
      if (cached?.sealed.equals(found.sealed_credentials)) return cached.credentials;
      const secrets = openSecrets(currentKey, appId, found.sealed_credentials);
      const credentials = Object.freeze({ appId, ...secrets });
      opened.set(appId, { sealed: found.sealed_credentials, credentials });
      return credentials;
    },
    remove: (appId) => deleteOne.run(appId).changes > 0,
    seal: (aad, text) => sealText(currentKey, aad, text),
    open: (aad, blob, what) => openText(currentKey, aad, blob, what),
    rotateKey(newKey) {
      if (newKey.length !== 32)
        throw new VaultKeyError('KEY_MALFORMED', 'The new key must be 32 bytes');
      const count = db.transaction(() => {
        const rows = selectAll.all();
        for (const each of rows) {
          const secrets = openSecrets(currentKey, each.app_id, each.sealed_credentials);
          reseal.run(sealSecrets(newKey, each.app_id, secrets), each.app_id);
        }
        for (const thing of monitorRows.all()) {
          const aad = monitorThingAad(thing.app_id, thing.person);
          const password = openText(currentKey, aad, thing.sealed_password, 'A monitor password');
          resealMonitor.run(sealText(newKey, aad, password), thing.app_id, thing.person);
        }
        setCheck.run(keyCheckValue(newKey), now());
        return rows.length;
      })();
      currentKey = Buffer.from(newKey);
      return count;
    },
  };
}

/** What a monitor thing's sealed password is bound to: its row (app and person). */
export function monitorThingAad(appId: string, person: string): string {
  return `monitor-thing\n${appId}\n${person}`;
}

/** Compares the key with the stored check value; stores one when the vault is new. */
function checkVaultKey(db: Database, key: Buffer, now: () => number): void {
  const stored = db
    .prepare<[], { check_value: Buffer }>('SELECT check_value FROM vault_key_check WHERE id = 1')
    .get();
  const expected = keyCheckValue(key);
  if (stored) {
    if (
      stored.check_value.length === expected.length &&
      timingSafeEqual(stored.check_value, expected)
    )
      return;
    throw new VaultKeyError(
      'KEY_MISMATCH',
      'The vault key is not the one the connected apps were sealed with. Start the console ' +
        'server with the original key (KPC_CONSOLE_KEY or --key-file); if it is lost, the apps ' +
        'must be connected again after deleting the connected_apps and vault_key_check rows.',
    );
  }
  db.prepare('INSERT INTO vault_key_check (id, check_value, set_at) VALUES (1, ?, ?)').run(
    expected,
    now(),
  );
}

/**
 * The credentials an input names, validated as `add` and `replace` validate them: the routes
 * check them with Kii (an admin token) before anything is stored.
 */
export function credentialsOf(input: ConnectedAppInput): KiiAppCredentials {
  return { appId: input.appId, ...validated(input) };
}

function validated(input: ConnectedAppInput): AppSecrets {
  const fail = (message: string) => new ConnectedAppError('INVALID_APP', message);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.appId)) throw fail('The app ID is not valid');
  for (const field of ['appKey', 'clientId', 'clientSecret'] as const) {
    if (typeof input[field] !== 'string' || input[field].trim() === '')
      throw fail(`${field} is required`);
  }
  let baseUrl: string;
  if (input.site === 'custom') {
    const given = (input.baseUrl ?? '').trim().replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw fail('The base URL is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw fail('The base URL must be http or https');
    if (url.username || url.password || url.search || url.hash)
      throw fail('The base URL must not hold credentials, a query or a fragment');
    baseUrl = given;
  } else if (Object.hasOwn(KII_CLOUD_SITES, input.site)) {
    baseUrl = KII_CLOUD_SITES[input.site];
  } else {
    throw fail('The site must be us, jp, sg, eu or custom');
  }
  return {
    baseUrl,
    appKey: input.appKey,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
  };
}

function summary(row: AppRow): ConnectedAppSummary {
  return {
    appId: row.app_id,
    label: row.label,
    site: row.site,
    baseUrl: row.base_url,
    addedBy: row.added_by,
    addedAt: row.added_at,
    updatedAt: row.updated_at,
  };
}

function notConnected(appId: string): ConnectedAppError {
  return new ConnectedAppError('APP_NOT_CONNECTED', `App ${appId} is not connected`);
}
