import type { Database } from 'better-sqlite3';

/**
 * Fills `registry_installations` as a large import would leave it: statuses, adders, owners
 * and device types mixed, 5,000 owners and 12 adders. `appOf(i)` names each row's app. One
 * transaction. Shared by bench/registry-bench.ts and bench:team.
 */
export function insertRegistryRows(db: Database, count: number, appOf: (i: number) => string) {
  const insert = db.prepare(
    `INSERT INTO registry_installations (app_id, installation_id, registration_id, device_type,
       owner_type, owner_id, development, added_by, added_at, added_via, last_status)
     VALUES (?, ?, ?, ?, 'user', ?, 0, ?, ?, 'import', ?)`,
  );
  const statuses = ['exists', 'exists', 'exists', 'gone', 'refused', null];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      insert.run(
        appOf(i),
        `inst${i.toString(36).padStart(8, '0')}`,
        `reg-${i}`,
        i % 7 === 0 ? 'ANDROID' : 'MQTT',
        `user${i % 5000}`,
        `person${i % 12}`,
        1_700_000_000_000 + i,
        statuses[i % statuses.length],
      );
    }
  })();
  db.pragma('optimize');
}
