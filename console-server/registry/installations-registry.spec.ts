import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createInstallationsRegistry,
  RegistryQueryError,
  type InstallationsRegistry,
} from './installations-registry';

const migration = readFileSync(
  join(import.meta.dirname, '..', 'db', 'migrations', '002_apps_registry.sql'),
  'utf8',
);

describe('installations registry', () => {
  let db: Database.Database;
  let registry: InstallationsRegistry;
  let clock: number;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(migration);
    clock = 1_000;
    registry = createInstallationsRegistry(db, () => clock++);
  });
  afterEach(() => db.close());

  it('records an install with who and when, and keeps the first adder on a later lookup', () => {
    const installed = registry.recordFound(
      'app1',
      {
        installationID: 'inst1',
        installationRegistrationID: 'reg-1',
        deviceType: 'MQTT',
        development: true,
        userID: 'user-a',
      },
      'person-7',
      'install',
    );
    expect(installed).toEqual({
      appId: 'app1',
      installationID: 'inst1',
      registrationID: 'reg-1',
      deviceType: 'MQTT',
      owner: { type: 'user', id: 'user-a' },
      development: true,
      addedBy: 'person-7',
      addedAt: 1000,
      addedVia: 'install',
      lastVerifiedAt: 1000,
      lastStatus: 'exists',
    });
    const later = registry.record({
      appId: 'app1',
      addedBy: 'person-9',
      via: 'lookup',
      deviceType: 'MQTT',
      registrationID: 'reg-1',
      verified: { status: 'gone', errorCode: 'INSTALLATION_NOT_FOUND' },
    });
    expect(later).toEqual(
      jasmine.objectContaining({
        addedBy: 'person-7',
        addedVia: 'install',
        addedAt: 1000,
        lastStatus: 'gone',
        lastErrorCode: 'INSTALLATION_NOT_FOUND',
        owner: { type: 'user', id: 'user-a' },
      }),
    );
    expect(registry.count('app1')).toBe(1);
    expect(registry.count('app2')).toBe(0);
  });

  it('merges a row known by ID and one known by registration once Kii links them', () => {
    registry.recordAll([
      { appId: 'a', addedBy: 'p1', via: 'import', installationID: 'inst9' },
      { appId: 'a', addedBy: 'p1', via: 'import', deviceType: 'IOS', registrationID: 'tok9' },
    ]);
    expect(registry.count('a')).toBe(2);
    registry.recordFound(
      'a',
      {
        installationID: 'inst9',
        installationRegistrationID: 'tok9',
        deviceType: 'IOS',
        development: false,
        thingID: 'th.1',
      },
      'p2',
      'lookup',
    );
    expect(registry.count('a')).toBe(1);
    const merged = registry.find('a', { deviceType: 'IOS', registrationID: 'tok9' })!;
    expect(merged).toEqual(
      jasmine.objectContaining({ installationID: 'inst9', addedBy: 'p1', lastStatus: 'exists' }),
    );
    expect(registry.find('a', { installationID: 'inst9' })).toEqual(merged);
  });

  it('pages newest first with a cursor, and filters by owner, type, status and adder', () => {
    for (let i = 0; i < 25; i++) {
      registry.record({
        appId: 'app',
        addedBy: i % 2 ? 'odd' : 'even',
        via: 'import',
        installationID: `i${i}`,
        deviceType: i % 5 === 0 ? 'ANDROID' : 'MQTT',
        registrationID: `r${i}`,
        owner: { type: 'user', id: `u${i % 3}` },
        ...(i % 4 === 0 ? { verified: { status: 'gone' as const } } : {}),
      });
    }
    registry.record({ appId: 'other', addedBy: 'x', via: 'import', installationID: 'zz' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = registry.list({ appId: 'app', limit: 10, cursor });
      seen.push(...page.entries.map((e) => e.installationID!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(25);
    expect(seen[0]).toBe('i24');
    expect(seen.at(-1)).toBe('i0');

    const ids = (filters: object) =>
      registry.list({ appId: 'app', limit: 500, ...filters }).entries.map((e) => e.installationID);
    expect(ids({ deviceType: 'ANDROID' })).toEqual(['i20', 'i15', 'i10', 'i5', 'i0']);
    expect(ids({ ownerId: 'u1' }).length).toBe(8);
    expect(ids({ status: 'gone' })).toEqual(['i24', 'i20', 'i16', 'i12', 'i8', 'i4', 'i0']);
    expect(ids({ status: 'unverified' }).length).toBe(18);
    expect(ids({ addedBy: 'odd', deviceType: 'ANDROID' })).toEqual(['i15', 'i5']);
    expect(registry.count('app', { status: 'gone' })).toBe(7);
  });

  it('refuses a cursor it did not issue and a page size out of range', () => {
    expect(() => registry.list({ appId: 'a', cursor: 'abc' })).toThrowError(RegistryQueryError);
    expect(() => registry.list({ appId: 'a', limit: 0 })).toThrowError(RegistryQueryError);
    expect(() => registry.list({ appId: 'a', limit: 501 })).toThrowError(RegistryQueryError);
  });

  it('refuses a row with neither an installation ID nor a full registration', () => {
    expect(() =>
      registry.record({ appId: 'a', addedBy: 'p', via: 'import', registrationID: 'r' }),
    ).toThrowError(/CHECK constraint/);
  });
});
