import type { Database, Statement } from 'better-sqlite3';
import {
  formatInstallationRef,
  type DeviceType,
  type InstallationRef,
} from '../kii/installation-ref';
import type { KiiInstallation } from '../kii/kii-admin-client';

export type RegistryStatus = 'exists' | 'gone' | 'refused';
export type RegistryVia = 'install' | 'lookup' | 'import';

/** One installation the team knows of on an app (docs/kii-api.md §5.6: Kii cannot list them). */
export interface RegistryEntry {
  appId: string;
  installationID?: string;
  registrationID?: string;
  deviceType?: DeviceType;
  owner?: { type: 'user' | 'thing'; id: string };
  development?: boolean;
  /** The person ID of whoever first recorded it (plain text, no link to the people table). */
  addedBy: string;
  addedAt: number;
  addedVia: RegistryVia;
  lastVerifiedAt?: number;
  lastStatus?: RegistryStatus;
  lastErrorCode?: string;
}

/** What an install, a lookup or an import learned; absent fields keep what the row had. */
export interface RegistryRecord {
  appId: string;
  addedBy: string;
  via: RegistryVia;
  installationID?: string;
  registrationID?: string;
  deviceType?: DeviceType;
  owner?: { type: 'user' | 'thing'; id: string };
  development?: boolean;
  verified?: { status: RegistryStatus; errorCode?: string; at?: number };
}

export interface RegistryFilters {
  ownerId?: string;
  deviceType?: DeviceType;
  /** `unverified`: never checked against Kii. */
  status?: RegistryStatus | 'unverified';
  addedBy?: string;
}

export interface RegistryListQuery extends RegistryFilters {
  appId: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1 to 500 (default 50). */
  limit?: number;
}

export interface RegistryPage {
  entries: RegistryEntry[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export class RegistryQueryError extends Error {
  override readonly name = 'RegistryQueryError';
}

export interface InstallationsRegistry {
  /** Inserts or merges a row found by installation ID or deviceType:registrationID. */
  record(input: RegistryRecord): RegistryEntry;
  /** Records what Kii answered for a lookup or install: both IDs, owner, environment. */
  recordFound(
    appId: string,
    installation: KiiInstallation,
    addedBy: string,
    via: RegistryVia,
  ): RegistryEntry;
  /** Records references in one transaction (those known already are left as they are). */
  recordAll(inputs: readonly RegistryRecord[]): void;
  find(appId: string, ref: InstallationRef): RegistryEntry | undefined;
  /** Newest first, keyset-paged on the row ID (no OFFSET: a deep page costs what page 1 does). */
  list(query: RegistryListQuery): RegistryPage;
  count(appId: string, filters?: RegistryFilters): number;
}

interface Row {
  id: number;
  app_id: string;
  installation_id: string | null;
  registration_id: string | null;
  device_type: DeviceType | null;
  owner_type: 'user' | 'thing' | null;
  owner_id: string | null;
  development: 0 | 1 | null;
  added_by: string;
  added_at: number;
  added_via: RegistryVia;
  last_verified_at: number | null;
  last_status: RegistryStatus | null;
  last_error_code: string | null;
}

const MAX_PAGE = 500;

/** The registry over `registry_installations` (console-server/db/migrations/002_apps_registry.sql). */
export function createInstallationsRegistry(
  db: Database,
  now: () => number = Date.now,
): InstallationsRegistry {
  const byInstallation = db.prepare<[string, string], Row>(
    'SELECT * FROM registry_installations WHERE app_id = ? AND installation_id = ?',
  );
  const byRegistration = db.prepare<[string, string, string], Row>(
    'SELECT * FROM registry_installations WHERE app_id = ? AND device_type = ? AND registration_id = ?',
  );
  const byId = db.prepare<[number], Row>('SELECT * FROM registry_installations WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO registry_installations (app_id, installation_id, registration_id, device_type,
       owner_type, owner_id, development, added_by, added_at, added_via, last_verified_at,
       last_status, last_error_code)
     VALUES (@app_id, @installation_id, @registration_id, @device_type, @owner_type, @owner_id,
       @development, @added_by, @added_at, @added_via, @last_verified_at, @last_status,
       @last_error_code)`,
  );
  const update = db.prepare(
    `UPDATE registry_installations SET
       installation_id = coalesce(@installation_id, installation_id),
       registration_id = coalesce(@registration_id, registration_id),
       device_type = coalesce(@device_type, device_type),
       owner_type = coalesce(@owner_type, owner_type),
       owner_id = coalesce(@owner_id, owner_id),
       development = coalesce(@development, development),
       added_at = min(added_at, @added_at),
       last_verified_at = coalesce(@last_verified_at, last_verified_at),
       last_status = coalesce(@last_status, last_status),
       last_error_code = CASE WHEN @last_status IS NULL THEN last_error_code ELSE @last_error_code END
     WHERE id = @id`,
  );
  const remove = db.prepare('DELETE FROM registry_installations WHERE id = ?');
  const pages = new Map<string, Statement>();

  const record = db.transaction((input: RegistryRecord): RegistryEntry => {
    const params = rowParams(input, now());
    const found = [
      input.installationID && byInstallation.get(input.appId, input.installationID),
      input.registrationID &&
        input.deviceType &&
        byRegistration.get(input.appId, input.deviceType, input.registrationID),
    ].filter((row): row is Row => Boolean(row));
    if (found.length === 0) {
      const id = Number(insert.run(params).lastInsertRowid);
      return entry(byId.get(id)!);
    }
    // Known by ID in one row and by registration in another (an import listed both forms):
    // keep the older row, which the team saw first, and fold the newer one into it.
    found.sort((a, b) => a.id - b.id);
    const [keep, ...merged] = found.filter(
      (row, i) => found.findIndex((r) => r.id === row.id) === i,
    );
    for (const row of merged) {
      remove.run(row.id);
      update.run({ ...rowParams(fromRow(row), row.added_at), id: keep.id });
    }
    update.run({ ...params, id: keep.id });
    return entry(byId.get(keep.id)!);
  });

  function filterSql(appId: string, filters: RegistryFilters) {
    const where = ['app_id = @appId'];
    const values: Record<string, unknown> = { appId };
    if (filters.ownerId !== undefined) {
      where.push('owner_id = @ownerId');
      values['ownerId'] = filters.ownerId;
    }
    if (filters.deviceType !== undefined) {
      where.push('device_type = @deviceType');
      values['deviceType'] = filters.deviceType;
    }
    if (filters.status === 'unverified') where.push('last_status IS NULL');
    else if (filters.status !== undefined) {
      where.push('last_status = @status');
      values['status'] = filters.status;
    }
    if (filters.addedBy !== undefined) {
      where.push('added_by = @addedBy');
      values['addedBy'] = filters.addedBy;
    }
    return { where, values };
  }

  function statement(sql: string): Statement {
    let prepared = pages.get(sql);
    if (!prepared) pages.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  }

  return {
    record,
    recordFound: (appId, installation, addedBy, via) =>
      record({
        appId,
        addedBy,
        via,
        installationID: installation.installationID,
        registrationID: installation.installationRegistrationID,
        deviceType: installation.deviceType as DeviceType,
        owner: installation.userID
          ? { type: 'user', id: installation.userID }
          : installation.thingID
            ? { type: 'thing', id: installation.thingID }
            : undefined,
        development: installation.development,
        verified: { status: 'exists' },
      }),
    recordAll: db.transaction((inputs: readonly RegistryRecord[]) => {
      for (const input of inputs) record(input);
    }),
    find(appId, ref) {
      const row =
        'installationID' in ref
          ? byInstallation.get(appId, ref.installationID)
          : byRegistration.get(appId, ref.deviceType, ref.registrationID);
      return row && entry(row);
    },
    list(query) {
      const limit = query.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
        throw new RegistryQueryError(`limit must be an integer from 1 to ${MAX_PAGE}`);
      const { where, values } = filterSql(query.appId, query);
      if (query.cursor !== undefined) {
        if (!/^\d{1,15}$/.test(query.cursor))
          throw new RegistryQueryError('The cursor is not one this registry issued');
        where.push('id < @cursor');
        values['cursor'] = Number(query.cursor);
      }
      const sql = `SELECT * FROM registry_installations WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit + 1}`;
      const rows = statement(sql).all(values) as Row[];
      const page = rows.slice(0, limit);
      return {
        entries: page.map(entry),
        ...(rows.length > limit ? { nextCursor: String(page.at(-1)!.id) } : {}),
      };
    },
    count(appId, filters = {}) {
      const { where, values } = filterSql(appId, filters);
      const sql = `SELECT count(*) AS n FROM registry_installations WHERE ${where.join(' AND ')}`;
      return (statement(sql).get(values) as { n: number }).n;
    },
  };
}

function rowParams(input: RegistryRecord, at: number): Omit<Row, 'id'> {
  const verified = input.verified;
  return {
    app_id: input.appId,
    installation_id: input.installationID ?? null,
    registration_id: input.registrationID ?? null,
    device_type: input.deviceType ?? null,
    owner_type: input.owner?.type ?? null,
    owner_id: input.owner?.id ?? null,
    development: input.development === undefined ? null : input.development ? 1 : 0,
    added_by: input.addedBy,
    added_at: at,
    added_via: input.via,
    last_verified_at: verified ? (verified.at ?? at) : null,
    last_status: verified?.status ?? null,
    last_error_code: verified?.errorCode ?? null,
  };
}

function entry(row: Row): RegistryEntry {
  return {
    appId: row.app_id,
    ...(row.installation_id !== null ? { installationID: row.installation_id } : {}),
    ...(row.registration_id !== null ? { registrationID: row.registration_id } : {}),
    ...(row.device_type !== null ? { deviceType: row.device_type } : {}),
    ...(row.owner_type !== null ? { owner: { type: row.owner_type, id: row.owner_id! } } : {}),
    ...(row.development !== null ? { development: row.development === 1 } : {}),
    addedBy: row.added_by,
    addedAt: row.added_at,
    addedVia: row.added_via,
    ...(row.last_verified_at !== null ? { lastVerifiedAt: row.last_verified_at } : {}),
    ...(row.last_status !== null ? { lastStatus: row.last_status } : {}),
    ...(row.last_error_code !== null ? { lastErrorCode: row.last_error_code } : {}),
  };
}

/** A stored row as a record, so a merged row's facts are not lost. */
function fromRow(row: Row): RegistryRecord {
  const e = entry(row);
  return {
    appId: e.appId,
    addedBy: e.addedBy,
    via: e.addedVia,
    installationID: e.installationID,
    registrationID: e.registrationID,
    deviceType: e.deviceType,
    owner: e.owner,
    development: e.development,
  };
}

/** A registry entry's reference in text form, for messages. */
export function entryRef(entry: RegistryEntry): string {
  return entry.installationID
    ? entry.installationID
    : formatInstallationRef({
        deviceType: entry.deviceType!,
        registrationID: entry.registrationID!,
      });
}
