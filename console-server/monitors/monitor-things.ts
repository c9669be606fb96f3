import type { Database } from 'better-sqlite3';
import { monitorThingAad, type ConnectedApps } from '../apps/connected-apps';

/** The console server's monitor thing of one app and person (003_monitor_things_brokers.sql). */
export interface MonitorThing {
  appId: string;
  person: string;
  thingID: string;
  vendorThingID: string;
  /** Undefined until the MQTT installation is made. */
  installationID?: string;
  createdAt: number;
}

interface ThingRow {
  app_id: string;
  person: string;
  thing_id: string;
  vendor_thing_id: string;
  sealed_password: Buffer;
  installation_id: string | null;
  created_at: number;
}

export interface MonitorThings {
  find(appId: string, person: string): MonitorThing | undefined;
  /** Stores a newly registered thing (replacing one Kii forgot), its password sealed. */
  save(thing: Omit<MonitorThing, 'installationID'>, password: string): void;
  setInstallation(appId: string, person: string, installationID: string): void;
  /** The thing's password, opened from the vault; never sent anywhere. */
  password(appId: string, person: string): string | undefined;
}

/** Monitor things over their table; passwords sealed by the vault (`apps.seal`). */
export function createMonitorThings(db: Database, vault: ConnectedApps): MonitorThings {
  const selectOne = db.prepare<[string, string], ThingRow>(
    'SELECT * FROM monitor_things WHERE app_id = ? AND person = ?',
  );
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO monitor_things
       (app_id, person, thing_id, vendor_thing_id, sealed_password, installation_id, created_at)
     VALUES (@app_id, @person, @thing_id, @vendor_thing_id, @sealed_password, NULL, @created_at)`,
  );
  const updateInstallation = db.prepare(
    'UPDATE monitor_things SET installation_id = ? WHERE app_id = ? AND person = ?',
  );

  return {
    find(appId, person) {
      const row = selectOne.get(appId, person);
      if (!row) return undefined;
      return {
        appId: row.app_id,
        person: row.person,
        thingID: row.thing_id,
        vendorThingID: row.vendor_thing_id,
        ...(row.installation_id ? { installationID: row.installation_id } : {}),
        createdAt: row.created_at,
      };
    },
    save(thing, password) {
      upsert.run({
        app_id: thing.appId,
        person: thing.person,
        thing_id: thing.thingID,
        vendor_thing_id: thing.vendorThingID,
        sealed_password: vault.seal(monitorThingAad(thing.appId, thing.person), password),
        created_at: thing.createdAt,
      });
    },
    setInstallation(appId, person, installationID) {
      updateInstallation.run(installationID, appId, person);
    },
    password(appId, person) {
      const row = selectOne.get(appId, person);
      if (!row) return undefined;
      return vault.open(
        monitorThingAad(appId, person),
        row.sealed_password,
        `The password of the monitor thing of ${person} on app ${appId}`,
      );
    },
  };
}
