import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstallationRef } from '../kii/installation-ref';
import { KiiAdminClient } from '../kii/kii-admin-client';
import { KiiCallError } from '../kii/kii-call-error';
import { startLocalKii, type LocalKiiProcess } from '../kii/local-kii-process';
import { parseInstallationCsv } from './installation-csv';
import { createInstallationsRegistry, type InstallationsRegistry } from './installations-registry';
import { verifyInstallations, type VerifyProgress } from './verify-installations';

const migration = readFileSync(
  join(import.meta.dirname, '..', 'db', 'migrations', '002_apps_registry.sql'),
  'utf8',
);

describe('verifyInstallations against the local Kii server', () => {
  let kii: LocalKiiProcess;
  let client: KiiAdminClient;
  let known: { installationID: string; installationRegistrationID: string; deviceType: string }[];
  let db: Database.Database;
  let registry: InstallationsRegistry;

  beforeAll(async () => {
    kii = await startLocalKii();
    client = new KiiAdminClient();
    known = (await client.listInstallations(kii.credentials, { limit: 100 })).installations;
  }, 30_000);
  afterAll(async () => kii?.stop());
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(migration);
    registry = createInstallationsRegistry(db);
  });
  afterEach(() => db.close());

  /** An import file: three IDs, one MQTT registration, and one ID Kii does not have. */
  function importFile(): InstallationRef[] {
    const mqtt = known.slice(3).find((i) => i.deviceType === 'MQTT')!;
    const lines = [
      'installationID',
      known[0].installationID,
      known[1].installationID,
      'no-such-installation',
      `MQTT:${mqtt.installationRegistrationID}`,
      known[2].installationID,
    ];
    return parseInstallationCsv(lines.join('\r\n')).refs.map((r) => r.ref);
  }

  it('reports the missing ID gone and the others existing, with progress up to the total', async () => {
    const progress: VerifyProgress[] = [];
    const report = await verifyInstallations({
      kii: client,
      app: kii.credentials,
      registry,
      refs: importFile(),
      addedBy: 'person-3',
      concurrency: 2,
      onProgress: (p) => progress.push(p),
    });
    expect(report.counts).toEqual({ exists: 4, gone: 1, refused: 0, 'not-checked': 0 });
    expect(report.results[2]).toEqual({
      index: 2,
      ref: 'no-such-installation',
      status: 'gone',
      httpStatus: 404,
      errorCode: 'INSTALLATION_NOT_FOUND',
    });
    expect(report.stoppedBy).toBeUndefined();
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every((p) => p.total === 5)).toBeTrue();

    const rows = registry.list({ appId: kii.credentials.appId }).entries;
    expect(rows.length).toBe(5);
    expect(registry.count(kii.credentials.appId, { status: 'exists' })).toBe(4);
    const gone = registry.find(kii.credentials.appId, { installationID: 'no-such-installation' });
    expect(gone).toEqual(
      jasmine.objectContaining({ lastStatus: 'gone', addedBy: 'person-3', addedVia: 'import' }),
    );
    // The MQTT line was given by registration ID; the lookup filled in its installation ID.
    const mqtt = rows.find((r) => r.deviceType === 'MQTT' && r.registrationID);
    expect(mqtt?.installationID).toEqual(jasmine.any(String));
  });

  it('keeps every verdict before a Kii failure midway and records the rest unverified', async () => {
    let calls = 0;
    const failing = {
      findInstallation: (app: typeof kii.credentials, ref: InstallationRef) =>
        ++calls === 3
          ? Promise.reject(
              new KiiCallError('get installation', 0, 'NETWORK_ERROR', 'could not reach Kii'),
            )
          : client.findInstallation(app, ref),
    };
    const progress: number[] = [];
    const report = await verifyInstallations({
      kii: failing,
      app: kii.credentials,
      registry,
      refs: importFile(),
      addedBy: 'person-3',
      concurrency: 1,
      onProgress: (p) => progress.push(p.done),
    });
    expect(report.results.map((r) => r.status)).toEqual([
      'exists',
      'exists',
      'not-checked',
      'not-checked',
      'not-checked',
    ]);
    expect(report.results[2].errorCode).toBe('NETWORK_ERROR');
    expect(report.stoppedBy).toEqual({
      status: 0,
      errorCode: 'NETWORK_ERROR',
      message: 'could not reach Kii',
    });
    expect(calls).toBe(3);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(registry.count(kii.credentials.appId)).toBe(5);
    expect(registry.count(kii.credentials.appId, { status: 'exists' })).toBe(2);
    expect(registry.count(kii.credentials.appId, { status: 'unverified' })).toBe(3);
  });

  it('records a refusal with its errorCode and goes on', async () => {
    const refusing = {
      findInstallation: (app: typeof kii.credentials, ref: InstallationRef) =>
        'installationID' in ref && ref.installationID === known[1].installationID
          ? Promise.reject(new KiiCallError('get installation', 403, 'WRONG_TOKEN', 'refused'))
          : client.findInstallation(app, ref),
    };
    const report = await verifyInstallations({
      kii: refusing,
      app: kii.credentials,
      registry,
      refs: importFile(),
      addedBy: 'p',
    });
    expect(report.counts).toEqual({ exists: 3, gone: 1, refused: 1, 'not-checked': 0 });
    expect(
      registry.find(kii.credentials.appId, { installationID: known[1].installationID }),
    ).toEqual(jasmine.objectContaining({ lastStatus: 'refused', lastErrorCode: 'WRONG_TOKEN' }));
  });

  it('stops starting lookups when cancelled', async () => {
    const controller = new AbortController();
    const report = await verifyInstallations({
      kii: client,
      app: kii.credentials,
      registry,
      refs: importFile(),
      addedBy: 'p',
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => p.done === 2 && controller.abort(),
    });
    expect(report.counts).toEqual({ exists: 2, gone: 0, refused: 0, 'not-checked': 3 });
    expect(report.stoppedBy?.errorCode).toBe('ABORTED');
  });
});
