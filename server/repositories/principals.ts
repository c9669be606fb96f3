import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database';
import { hashPassword, isOutdatedPasswordHash, newId, verifyPassword } from '../ids';

export interface UserRow {
  id: string;
  internal_id: number;
  login_name: string | null;
  email: string | null;
  phone: string | null;
  display_name: string | null;
  country: string | null;
  locale: string | null;
  password_hash: string;
  custom_json: string;
  created_at: number;
  modified_at: number;
}

export interface NewUser {
  loginName?: string;
  emailAddress?: string;
  phoneNumber?: string;
  displayName?: string;
  country?: string;
  locale?: string;
  custom: Record<string, unknown>;
}

export interface ThingRow {
  id: string;
  vendor_thing_id: string;
  password_hash: string;
  fields_json: string;
  online: number;
  online_modified_at: number | null;
  created_at: number;
  modified_at: number;
}

/** Users, looked up by ID or by one of Kii's qualified forms (LOGIN_NAME:, EMAIL:, PHONE:). */
export function createUserRepository(db: Db) {
  const insert = db.prepare(`INSERT INTO users (id, internal_id, login_name, email, phone,
      display_name, country, locale, password_hash, custom_json, created_at, modified_at)
    VALUES (@id, (SELECT coalesce(max(internal_id), 0) + 1 FROM users), @login_name, @email,
      @phone, @display_name, @country, @locale, @password_hash, @custom_json, @now, @now)`);
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  // Existence checks read the key only: decoding a whole row (hash, custom JSON) costs about
  // three times as much, and installs and subscriptions only need to know the user is there.
  const idById = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE id = ?');
  const byLogin = db.prepare<[string], UserRow>('SELECT * FROM users WHERE login_name = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byPhone = db.prepare<[string], UserRow>('SELECT * FROM users WHERE phone = ?');
  const remove = db.prepare('DELETE FROM users WHERE id = ?');
  const rehash = db.prepare<[string, string, string]>(
    'UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?',
  );
  const names = db.prepare<[], { id: string; login_name: string | null }>(
    'SELECT id, login_name FROM users',
  );

  return {
    /** `passwordHash` comes from hashPassword(), awaited first so the insert stays synchronous. */
    create(user: NewUser, passwordHash: string): UserRow {
      const id = newId.user();
      insert.run({
        id,
        login_name: user.loginName ?? null,
        email: user.emailAddress ?? null,
        phone: user.phoneNumber ?? null,
        display_name: user.displayName ?? null,
        country: user.country ?? null,
        locale: user.locale ?? null,
        password_hash: passwordHash,
        custom_json: JSON.stringify(user.custom),
        now: Date.now(),
      });
      return byId.get(id)!;
    },
    /** `ref` is a user ID or `LOGIN_NAME:x`, `EMAIL:x`, `PHONE:x`. */
    find(ref: string): UserRow | undefined {
      const colon = ref.indexOf(':');
      if (colon < 0) return byId.get(ref);
      const [kind, value] = [ref.slice(0, colon), ref.slice(colon + 1)];
      if (kind === 'LOGIN_NAME') return byLogin.get(value);
      if (kind === 'EMAIL') return byEmail.get(value);
      if (kind === 'PHONE') return byPhone.get(value);
      return undefined;
    },
    /** The user's ID when `ref` (an ID or a qualified form) names an existing user. */
    idOf(ref: string): string | undefined {
      return ref.indexOf(':') < 0 ? idById.get(ref)?.id : this.find(ref)?.id;
    },
    /** Login by the `username` of the token request: a login name or a qualified form. */
    findForLogin(username: string): UserRow | undefined {
      return /^(EMAIL|PHONE|LOGIN_NAME):/.test(username)
        ? this.find(username)
        : byLogin.get(username);
    },
    checkPassword: passwordChecker(rehash),
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    /** ID → login name, for readable owner names in listings. */
    loginNames(): Map<string, string | null> {
      return new Map(names.all().map((row) => [row.id, row.login_name]));
    },
  };
}

/**
 * Login check for a user or thing row. A hash in an older format or cost (the salted SHA-256
 * of earlier versions) is replaced by a current one once the password is known to be right;
 * the update applies only if nobody changed the hash meanwhile.
 */
function passwordChecker(rehash: Statement<[string, string, string]>) {
  return async (row: { id: string; password_hash: string }, password: string) => {
    if (!(await verifyPassword(password, row.password_hash))) return false;
    if (isOutdatedPasswordHash(row.password_hash)) {
      rehash.run(await hashPassword(password), row.id, row.password_hash);
    }
    return true;
  };
}

const VENDOR_THING_ID_PREFIX = 'VENDOR_THING_ID:';

/** The vendor thing ID when `ref` is Kii's `VENDOR_THING_ID:x` form; undefined for a thing ID. */
export function vendorThingIdOf(ref: string): string | undefined {
  return ref.startsWith(VENDOR_THING_ID_PREFIX)
    ? ref.slice(VENDOR_THING_ID_PREFIX.length)
    : undefined;
}

/** Things, looked up by ID or by `VENDOR_THING_ID:x`. */
export function createThingRepository(db: Db) {
  const insert = db.prepare(`INSERT INTO things (id, vendor_thing_id, password_hash, fields_json,
      created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare<[string], ThingRow>('SELECT * FROM things WHERE id = ?');
  const byVendor = db.prepare<[string], ThingRow>('SELECT * FROM things WHERE vendor_thing_id = ?');
  const idById = db.prepare<[string], { id: string }>('SELECT id FROM things WHERE id = ?');
  const idByVendor = db.prepare<[string], { id: string }>(
    'SELECT id FROM things WHERE vendor_thing_id = ?',
  );
  const remove = db.prepare('DELETE FROM things WHERE id = ?');
  const rehash = db.prepare<[string, string, string]>(
    'UPDATE things SET password_hash = ? WHERE id = ? AND password_hash = ?',
  );
  const setOnline = db.prepare(
    'UPDATE things SET online = ?, online_modified_at = ? WHERE id = ? AND online <> ?',
  );
  const allOffline = db.prepare(
    'UPDATE things SET online = 0, online_modified_at = ? WHERE online = 1',
  );

  return {
    /** `passwordHash` comes from hashPassword(), awaited first so the insert stays synchronous. */
    create(vendorThingID: string, passwordHash: string, fields: Record<string, unknown>): ThingRow {
      const id = newId.thing();
      const now = Date.now();
      insert.run(id, vendorThingID, passwordHash, JSON.stringify(fields), now, now);
      return byId.get(id)!;
    },
    find(ref: string): ThingRow | undefined {
      const vendorThingID = vendorThingIdOf(ref);
      return vendorThingID === undefined ? byId.get(ref) : byVendor.get(vendorThingID);
    },
    /** The thing's ID when `ref` (an ID or `VENDOR_THING_ID:x`) names an existing thing. */
    idOf(ref: string): string | undefined {
      const vendorThingID = vendorThingIdOf(ref);
      return (vendorThingID === undefined ? idById.get(ref) : idByVendor.get(vendorThingID))?.id;
    },
    findByVendorId(vendorThingID: string): ThingRow | undefined {
      return byVendor.get(vendorThingID);
    },
    checkPassword: passwordChecker(rehash),
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    /** Records the MQTT online state; unchanged states keep their timestamp. */
    setOnline(id: string, online: boolean): void {
      const flag = online ? 1 : 0;
      setOnline.run(flag, Date.now(), id, flag);
    },
    /** Nobody is connected when the server starts. */
    markAllOffline(): void {
      allOffline.run(Date.now());
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
export type ThingRepository = ReturnType<typeof createThingRepository>;
