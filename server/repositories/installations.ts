import type { Db } from '../db/database';
import type { GroupCommit } from '../db/group-commit';
import { newId } from '../ids';

export interface InstallationRow {
  seq: number;
  id: string;
  registration_id: string;
  device_type: string;
  development: number;
  user_id: string | null;
  thing_id: string | null;
  created_at: number;
}

export interface EndpointRow {
  installation_id: string;
  username: string;
  password: string;
  mqtt_topic: string;
  ready_at: number;
  expires_at: number;
}

/** An MQTT installation a push goes to. */
export interface DeliveryTopic {
  mqtt_topic: string;
  expires_at: number;
  development: number;
  id: string;
  owner_id: string;
  owner_type: 'user' | 'thing';
}

export interface Owner {
  userID?: string;
  thingID?: string;
}

export interface InstallationFilter {
  userID?: string;
  thingID?: string;
  deviceType?: string;
  development?: boolean;
  /** Continue after this installation sequence number (keyset paging). */
  after?: number;
  limit: number;
}

/** What an install asks for; the owner is an ID (aliases are resolved before). */
export interface InstallRequest {
  owner: Owner;
  deviceType: string;
  /** Given for push-token installations; generated for MQTT. */
  registrationId?: string;
  development: boolean;
  /** When the MQTT endpoint gets ready, if not after the configured delay (the demo: at once). */
  endpointDelayMs?: number;
}

/**
 * How an install ended. `existing`: the owner's MQTT installation, or a push token's installation
 * now assigned to this owner. `owner-not-found`: the owner was gone when the row would be written.
 */
export type InstallResult =
  { outcome: 'created' | 'existing'; row: InstallationRow } | { outcome: 'owner-not-found' };

/**
 * Hears every endpoint credential written or deleted, after the fact: a cluster's API node keeps
 * the directory its broker nodes check CONNECTs against (docs/scale-out.md).
 */
export interface EndpointWatcher {
  saved(endpoint: EndpointRow, thingId: string | null): void;
  removed(endpoint: EndpointRow): void;
}

/** How long a new MQTT endpoint takes to get ready and how long its credentials live. */
export interface EndpointSettings {
  endpointDelayMs: number;
  mqttTtlSeconds: number;
}

/**
 * Push installations and the MQTT endpoint credentials each MQTT installation owns. Installs go
 * through the group commit (one transaction per event-loop turn, server/db/group-commit.ts), and
 * the rows they create are cached once that transaction has committed.
 */
export function createInstallationRepository(
  db: Db,
  groupCommit: GroupCommit,
  settings: EndpointSettings,
) {
  const insert = db.prepare(`INSERT INTO installations
      (id, registration_id, device_type, development, user_id, thing_id, created_at)
    VALUES (@id, @registration_id, @device_type, @development, @user_id, @thing_id, @created_at)`);
  const byId = db.prepare<[string], InstallationRow>('SELECT * FROM installations WHERE id = ?');
  const byRegistration = db.prepare<[string, string], InstallationRow>(
    'SELECT * FROM installations WHERE device_type = ? AND registration_id = ?',
  );
  const mqttOfUser = db.prepare<[string], InstallationRow>(
    "SELECT * FROM installations WHERE device_type = 'MQTT' AND user_id = ?",
  );
  const mqttOfThing = db.prepare<[string], InstallationRow>(
    "SELECT * FROM installations WHERE device_type = 'MQTT' AND thing_id = ?",
  );
  const reassign = db.prepare(
    'UPDATE installations SET user_id = ?, thing_id = ?, development = ? WHERE id = ?',
  );
  const remove = db.prepare('DELETE FROM installations WHERE id = ?');
  const removeOwned = db.prepare('DELETE FROM installations WHERE user_id = ? OR thing_id = ?');
  const removeOwnedRows = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM installations WHERE user_id = ? OR thing_id = ?',
  );
  const endpointOf = db.prepare<[string], EndpointRow>(
    'SELECT * FROM endpoints WHERE installation_id = ?',
  );
  const endpointByUsername = db.prepare<[string], EndpointRow>(
    'SELECT * FROM endpoints WHERE username = ?',
  );
  const liveEndpoints = db.prepare<[number], EndpointRow & { thing_id: string | null }>(
    `SELECT e.*, i.thing_id FROM endpoints e JOIN installations i ON i.id = e.installation_id
    WHERE e.expires_at > ?`,
  );
  const upsertEndpoint = db.prepare(`INSERT INTO endpoints
      (installation_id, username, password, mqtt_topic, ready_at, expires_at)
    VALUES (@installation_id, @username, @password, @mqtt_topic, @ready_at, @expires_at)
    ON CONFLICT (installation_id) DO UPDATE SET username = excluded.username,
      password = excluded.password, mqtt_topic = excluded.mqtt_topic,
      expires_at = excluded.expires_at`);
  // Only the key is read: an existence check, not a lookup.
  const ownerExists = {
    user: db.prepare<[string], number>('SELECT 1 FROM users WHERE id = ?').pluck(),
    thing: db.prepare<[string], number>('SELECT 1 FROM things WHERE id = ?').pluck(),
  };
  /**
   * MQTT topics of the given owners' MQTT installations, for delivery and its ledger. Driven from
   * the owner list (CROSS JOIN fixes the order) through the one-MQTT-per-owner partial indexes:
   * left to itself, SQLite without ANALYZE statistics read every MQTT installation instead, 22 ms
   * per direct push at 100,000 installations against 0.03 ms this way (bench:cluster found it).
   */
  const topicsOfUsers = db.prepare<[string], DeliveryTopic>(`
    SELECT e.mqtt_topic, e.expires_at, i.development, i.id, i.user_id AS owner_id,
      'user' AS owner_type FROM (SELECT DISTINCT value FROM json_each(?)) AS owner
      CROSS JOIN installations i ON i.user_id = owner.value AND i.device_type = 'MQTT'
      JOIN endpoints e ON e.installation_id = i.id`);
  const topicsOfThings = db.prepare<[string], DeliveryTopic>(`
    SELECT e.mqtt_topic, e.expires_at, i.development, i.id, i.thing_id AS owner_id,
      'thing' AS owner_type FROM (SELECT DISTINCT value FROM json_each(?)) AS owner
      CROSS JOIN installations i ON i.thing_id = owner.value AND i.device_type = 'MQTT'
      JOIN endpoints e ON e.installation_id = i.id`);

  function newEndpoint(installationId: string, readyAt: number, ttlSeconds: number): EndpointRow {
    return {
      installation_id: installationId,
      username: newId.mqttUsername(),
      password: newId.mqttPassword(),
      mqtt_topic: newId.mqttTopic(),
      ready_at: readyAt,
      expires_at: Math.min(Date.now() + ttlSeconds * 1000, Number.MAX_SAFE_INTEGER),
    };
  }

  type Written =
    | { outcome: 'created'; row: InstallationRow; endpoint?: EndpointRow }
    | { outcome: 'existing'; row: InstallationRow }
    | { outcome: 'owner-not-found' };

  /** One install, run in its savepoint of the group transaction. */
  function write(request: InstallRequest): Written {
    const { owner, deviceType, registrationId, development } = request;
    // Checked inside the transaction, so the owner still exists when its row is written.
    const found = owner.userID
      ? ownerExists.user.get(owner.userID)
      : ownerExists.thing.get(owner.thingID!);
    if (found === undefined) return { outcome: 'owner-not-found' };
    if (deviceType === 'MQTT') {
      const existing = owner.userID
        ? mqttOfUser.get(owner.userID)
        : mqttOfThing.get(owner.thingID!);
      if (existing) return { outcome: 'existing', row: existing };
    } else {
      const existing = byRegistration.get(deviceType, registrationId!);
      if (existing) {
        // Kii re-assigns a push token that moves to another owner (docs/kii-api.md §5.1).
        reassign.run(owner.userID ?? null, owner.thingID ?? null, development ? 1 : 0, existing.id);
        forget(existing.id);
        return { outcome: 'existing', row: byId.get(existing.id)! };
      }
    }
    const now = Date.now();
    const id = newId.installation();
    const values = {
      id,
      registration_id: registrationId ?? newId.registration(),
      device_type: deviceType,
      development: development ? 1 : 0,
      user_id: owner.userID ?? null,
      thing_id: owner.thingID ?? null,
      created_at: now,
    };
    const row: InstallationRow = { seq: Number(insert.run(values).lastInsertRowid), ...values };
    if (deviceType !== 'MQTT') return { outcome: 'created', row };
    const delayMs = request.endpointDelayMs ?? settings.endpointDelayMs;
    const endpoint = newEndpoint(id, now + delayMs, settings.mqttTtlSeconds);
    upsertEndpoint.run(endpoint);
    return { outcome: 'created', row, endpoint };
  }

  // Every endpoint fetch and MQTT CONNECT looks up an installation and its endpoint: keeping
  // the rows read here in memory saves two SQLite reads per call on the hottest REST path.
  // Reads fill the cache, every write below evicts what it touches (eviction is harmless when a
  // surrounding transaction rolls back; a fill never happens inside one), so the database stays
  // the only source of truth. Bounded like the token cache: cleared when full.
  const CACHE_LIMIT = 20_000;
  const rowCache = new Map<string, InstallationRow>();
  const endpointCache = new Map<string, EndpointRow>();
  function remember<T>(cache: Map<string, T>, key: string, value: T | undefined): T | undefined {
    if (value) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, value);
    }
    return value;
  }
  function forget(installationId: string): void {
    rowCache.delete(installationId);
    endpointCache.delete(installationId);
  }
  let watcher: EndpointWatcher | null = null;

  return {
    /** Installs (docs/kii-api.md §5.1); resolves once the group transaction has committed. */
    async install(request: InstallRequest): Promise<InstallResult> {
      const result = await groupCommit.run(() => write(request));
      // A client fetches the endpoint right after installing: cache the committed rows now.
      if (result.outcome === 'created') {
        remember(rowCache, result.row.id, result.row);
        remember(endpointCache, result.row.id, result.endpoint);
        if (result.endpoint) watcher?.saved(result.endpoint, result.row.thing_id);
      }
      return result;
    },
    find(id: string): InstallationRow | undefined {
      return rowCache.get(id) ?? remember(rowCache, id, byId.get(id));
    },
    findByRegistration(deviceType: string, registrationId: string): InstallationRow | undefined {
      return byRegistration.get(deviceType, registrationId);
    },
    remove(id: string): boolean {
      const endpoint = watcher && this.endpoint(id);
      forget(id);
      const removed = remove.run(id).changes > 0;
      if (endpoint) watcher!.removed(endpoint);
      return removed;
    },
    removeOwnedBy(id: string): void {
      const gone = removeOwnedRows.all(id, id);
      const endpoints = watcher ? gone.map((row) => this.endpoint(row.id)) : [];
      for (const row of gone) forget(row.id);
      removeOwned.run(id, id);
      // Inside the caller's transaction: a rollback would leave the directory missing these
      // credentials until its next full resynchronisation, refusing rather than admitting.
      for (const endpoint of endpoints) if (endpoint) watcher!.removed(endpoint);
    },
    endpoint(installationId: string): EndpointRow | undefined {
      return (
        endpointCache.get(installationId) ??
        remember(endpointCache, installationId, endpointOf.get(installationId))
      );
    },
    endpointByUsername(username: string): EndpointRow | undefined {
      return endpointByUsername.get(username);
    },
    /** Issues fresh credentials and topic once the old ones have expired. */
    renewEndpoint(current: EndpointRow): EndpointRow {
      const next = newEndpoint(current.installation_id, current.ready_at, settings.mqttTtlSeconds);
      endpointCache.delete(current.installation_id);
      upsertEndpoint.run(next);
      if (watcher) {
        watcher.removed(current);
        watcher.saved(next, this.find(current.installation_id)?.thing_id ?? null);
      }
      return next;
    },
    /** Tells `next` about every endpoint credential change from now on (one watcher). */
    watchEndpoints(next: EndpointWatcher): void {
      watcher = next;
    },
    /** Every endpoint whose credentials have not expired, with its owning thing. */
    liveEndpoints(): (EndpointRow & { thing_id: string | null })[] {
      return liveEndpoints.all(Date.now());
    },
    /** The MQTT installations of these users and things (at most one per owner). */
    deliveryTopics(userIds: string[], thingIds: string[]): DeliveryTopic[] {
      const rows = userIds.length ? topicsOfUsers.all(JSON.stringify(userIds)) : [];
      if (thingIds.length) rows.push(...topicsOfThings.all(JSON.stringify(thingIds)));
      return rows;
    },
    /** Keyset-paged listing for the console's extension, with the total of the filtered set. */
    list(filter: InstallationFilter): { rows: InstallationRow[]; total: number } {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.userID) {
        where.push('user_id = @userID');
        params.userID = filter.userID;
      }
      if (filter.thingID) {
        where.push('thing_id = @thingID');
        params.thingID = filter.thingID;
      }
      if (filter.deviceType) {
        where.push('device_type = @deviceType');
        params.deviceType = filter.deviceType;
      }
      if (filter.development !== undefined) {
        where.push('development = @development');
        params.development = filter.development ? 1 : 0;
      }
      const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT count(*) AS n FROM installations ${filtered}`).get(params) as {
          n: number;
        }
      ).n;
      const page = [...where, 'seq > @after'];
      const rows = db
        .prepare<Record<string, unknown>, InstallationRow>(
          `SELECT * FROM installations WHERE ${page.join(' AND ')} ORDER BY seq LIMIT @limit`,
        )
        .all({ ...params, after: filter.after ?? 0, limit: filter.limit });
      return { rows, total };
    },
  };
}

export type InstallationRepository = ReturnType<typeof createInstallationRepository>;
