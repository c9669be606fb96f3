import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMonitorThings } from '../monitors/monitor-things';
import { ConnectedAppError, openConnectedApps, type ConnectedAppInput } from './connected-apps';
import { SealError } from './credential-cipher';
import { loadVaultKey, newVaultKeyText, VaultKeyError } from './vault-key';

/** The vault's tables: connected apps (002) and the monitor things it also seals (003). */
const migrations = ['002_apps_registry.sql', '003_monitor_things_brokers.sql'].map((name) =>
  readFileSync(join(import.meta.dirname, '..', 'db', 'migrations', name), 'utf8'),
);

function freshDb(): Database.Database {
  const db = new Database(':memory:');
  for (const migration of migrations) db.exec(migration);
  return db;
}

const secret = 'client-secret-that-must-stay-sealed-42';
const demo: ConnectedAppInput = {
  appId: 'demoapp',
  label: 'Demo',
  site: 'custom',
  baseUrl: 'http://127.0.0.1:8080/api/',
  appKey: 'demoappkey0123456789',
  clientId: 'demo-client-id',
  clientSecret: secret,
};

describe('connected apps (the credentials vault)', () => {
  let db: Database.Database;
  let key: Buffer;
  beforeEach(() => {
    db = freshDb();
    key = randomBytes(32);
  });
  afterEach(() => db.close());

  it('round-trips credentials and keeps them sealed at rest', () => {
    const apps = openConnectedApps(db, key);
    apps.add(demo, 'person-1');
    apps.add({ ...demo, appId: 'jpapp', site: 'jp', label: '', clientSecret: 'other' }, 'p2');
    expect(apps.credentials('demoapp')).toEqual({
      appId: 'demoapp',
      baseUrl: 'http://127.0.0.1:8080/api',
      appKey: demo.appKey,
      clientId: demo.clientId,
      clientSecret: secret,
    });
    expect(apps.credentials('jpapp')?.baseUrl).toBe('https://api-jp.kii.com/api');
    expect(apps.credentials('nope')).toBeUndefined();
    const raw = db.prepare('SELECT * FROM connected_apps').all();
    const dump = JSON.stringify(raw, (_k, v) =>
      v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
    );
    for (const hidden of [secret, demo.appKey, demo.clientId]) expect(dump).not.toContain(hidden);
  });

  it('lists and gets apps without any secret', () => {
    const apps = openConnectedApps(db, key, () => 1000);
    apps.add(demo, 'person-1');
    const listed = apps.list();
    expect(listed).toEqual([
      {
        appId: 'demoapp',
        label: 'Demo',
        site: 'custom',
        baseUrl: 'http://127.0.0.1:8080/api',
        addedBy: 'person-1',
        addedAt: 1000,
        updatedAt: 1000,
      },
    ]);
    const text = JSON.stringify([listed, apps.get('demoapp')]);
    for (const hidden of [secret, demo.appKey, demo.clientId]) expect(text).not.toContain(hidden);
  });

  it('refuses a blob with one flipped byte, and a blob moved to another app', () => {
    const apps = openConnectedApps(db, key);
    apps.add(demo, 'p');
    apps.add({ ...demo, appId: 'other' }, 'p');
    const blob = db
      .prepare<[], { b: Buffer }>(
        "SELECT sealed_credentials b FROM connected_apps WHERE app_id = 'demoapp'",
      )
      .get()!.b;
    // Opened once already: what was opened is reused only for the very same sealed bytes.
    expect(apps.credentials('demoapp')?.clientSecret).toBe(secret);
    const flipped = Buffer.from(blob);
    flipped[20] ^= 0x01;
    db.prepare("UPDATE connected_apps SET sealed_credentials = ? WHERE app_id = 'demoapp'").run(
      flipped,
    );
    expect(() => apps.credentials('demoapp')).toThrowError(SealError, /do not open/);
    // The app ID is the additional authenticated data: an intact blob does not open elsewhere.
    db.prepare("UPDATE connected_apps SET sealed_credentials = ? WHERE app_id = 'other'").run(blob);
    expect(() => apps.credentials('other')).toThrowError(SealError);
  });

  it('refuses to open with a wrong key, with a clear message', () => {
    openConnectedApps(db, key).add(demo, 'p');
    let refusal: unknown;
    try {
      openConnectedApps(db, randomBytes(32));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(VaultKeyError);
    expect((refusal as VaultKeyError).code).toBe('KEY_MISMATCH');
    expect((refusal as Error).message).toContain('not the one the connected apps were sealed with');
    expect(openConnectedApps(db, key).credentials('demoapp')?.clientSecret).toBe(secret);
  });

  it('re-seals every app when the key rotates; only the new key opens them afterwards', () => {
    const apps = openConnectedApps(db, key);
    apps.add(demo, 'p');
    apps.add({ ...demo, appId: 'second', clientSecret: 'second-secret' }, 'p');
    const newKey = randomBytes(32);
    // A monitor thing's password is sealed by the same vault and moves with the key.
    const thing = {
      appId: 'demoapp',
      person: 'p',
      thingID: 'th.1',
      vendorThingID: 'v',
      createdAt: 1,
    };
    createMonitorThings(db, apps).save(thing, 'monitor-password');
    expect(apps.rotateKey(newKey)).toBe(2);
    expect(apps.credentials('second')?.clientSecret).toBe('second-secret');
    expect(() => openConnectedApps(db, key)).toThrowError(VaultKeyError);
    const reopened = openConnectedApps(db, newKey);
    expect(reopened.credentials('demoapp')?.clientSecret).toBe(secret);
    expect(createMonitorThings(db, reopened).password('demoapp', 'p')).toBe('monitor-password');
    // Bound to its row: the blob copied onto another person's row does not open.
    db.prepare(
      "INSERT INTO monitor_things SELECT app_id, 'q', thing_id, vendor_thing_id, sealed_password, NULL, 1 FROM monitor_things",
    ).run();
    expect(() => createMonitorThings(db, reopened).password('demoapp', 'q')).toThrowError(
      SealError,
      /do not open/,
    );
  });

  it('refuses duplicates and invalid input, replaces and removes', () => {
    const apps = openConnectedApps(db, key);
    apps.add(demo, 'first-person');
    expect(() => apps.add(demo, 'p')).toThrowError(ConnectedAppError, /already connected/);
    expect(() => apps.add({ ...demo, appId: 'x', baseUrl: 'ftp://h/api' }, 'p')).toThrowError(
      ConnectedAppError,
      /http or https/,
    );
    expect(() => apps.add({ ...demo, appId: 'y', clientSecret: ' ' }, 'p')).toThrowError(
      ConnectedAppError,
      /clientSecret is required/,
    );
    expect(apps.credentials('demoapp')?.clientSecret).toBe(secret);
    const replaced = apps.replace({ ...demo, clientSecret: 'new-secret-value' });
    expect(replaced.addedBy).toBe('first-person');
    expect(apps.credentials('demoapp')?.clientSecret).toBe('new-secret-value');
    expect(apps.remove('demoapp')).toBeTrue();
    expect(apps.credentials('demoapp')).toBeUndefined();
    expect(apps.remove('demoapp')).toBeFalse();
    expect(apps.list()).toEqual([]);
  });
});

describe('the vault key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kpc-vault-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing key file 0600 with a random key, then reads the same key', () => {
    const file = join(dir, 'vault.key');
    const first = loadVaultKey({ keyFile: file, env: {} });
    expect(first.created).toBeTrue();
    expect(first.key.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadVaultKey({ keyFile: file, env: {} });
    expect(second.created).toBeFalse();
    expect(second.key.equals(first.key)).toBeTrue();
  });

  it('prefers KPC_CONSOLE_KEY, and refuses malformed keys without echoing them', () => {
    const text = newVaultKeyText();
    const fromEnv = loadVaultKey({ keyFile: join(dir, 'unused'), env: { KPC_CONSOLE_KEY: text } });
    expect(fromEnv.key.toString('base64')).toBe(text);
    expect(fromEnv.origin).toBe('KPC_CONSOLE_KEY');
    const short = 'c2hvcnQta2V5';
    expect(() => loadVaultKey({ env: { KPC_CONSOLE_KEY: short } })).toThrowMatching(
      (error) => error instanceof VaultKeyError && !error.message.includes(short),
    );
    const file = join(dir, 'bad.key');
    writeFileSync(file, 'not base64 at all!', { mode: 0o644 });
    expect(() => loadVaultKey({ keyFile: file, env: {} })).toThrowError(VaultKeyError, /base64/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => loadVaultKey({ env: {} })).toThrowError(VaultKeyError, /--key-file/);
  });
});
