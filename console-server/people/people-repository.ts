import type { Db } from '../db/database';
import type { RoleGrant } from './roles';

/** A person as the API shows them: never the password hash. */
export interface Person {
  id: number;
  login: string;
  displayName: string;
  disabled: boolean;
  /** Whether a password is set (people may later sign in through single sign-on only). */
  hasPassword: boolean;
  createdAt: number;
  modifiedAt: number;
}

interface PersonRow {
  id: number;
  login: string;
  display_name: string;
  password_hash: string | null;
  disabled: number;
  created_at: number;
  modified_at: number;
}

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    disabled: row.disabled === 1,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

/** People and their roles per app, over prepared statements. */
export function createPeopleRepository(db: Db, now = () => Date.now()) {
  const byLogin = db.prepare<[string], PersonRow>('SELECT * FROM people WHERE login = ?');
  const byId = db.prepare<[number], PersonRow>('SELECT * FROM people WHERE id = ?');
  const all = db.prepare<[], PersonRow>('SELECT * FROM people ORDER BY login');
  const insert = db.prepare(
    `INSERT INTO people (login, display_name, password_hash, disabled, created_at, modified_at)
     VALUES (?, ?, ?, 0, ?, ?)`,
  );
  const update = db.prepare(
    'UPDATE people SET display_name = ?, disabled = ?, modified_at = ? WHERE id = ?',
  );
  const updatePassword = db.prepare(
    'UPDATE people SET password_hash = ?, modified_at = ? WHERE id = ?',
  );
  const rolesOf = db.prepare<[number], RoleGrant>(
    'SELECT app_id AS appId, role FROM person_roles WHERE person_id = ? ORDER BY app_id',
  );
  const allRoles = db.prepare<[], RoleGrant & { personId: number }>(
    'SELECT person_id AS personId, app_id AS appId, role FROM person_roles ORDER BY app_id',
  );
  const clearRoles = db.prepare('DELETE FROM person_roles WHERE person_id = ?');
  const insertRole = db.prepare(
    'INSERT INTO person_roles (person_id, app_id, role) VALUES (?, ?, ?)',
  );
  const enabledTeamAdmins = db.prepare<[], { id: number }>(
    `SELECT p.id FROM people p JOIN person_roles r ON r.person_id = p.id
     WHERE p.disabled = 0 AND r.app_id = '*' AND r.role = 'admin'`,
  );

  return {
    byLogin(login: string): Person | undefined {
      const row = byLogin.get(login);
      return row && toPerson(row);
    },
    byId(id: number): Person | undefined {
      const row = byId.get(id);
      return row && toPerson(row);
    },
    /** The stored hash, for the sign-in check only. */
    passwordHash(id: number): string | null {
      return byId.get(id)?.password_hash ?? null;
    },
    list(): (Person & { roles: RoleGrant[] })[] {
      const roles = new Map<number, RoleGrant[]>();
      for (const { personId, appId, role } of allRoles.all()) {
        const list = roles.get(personId) ?? [];
        list.push({ appId, role });
        roles.set(personId, list);
      }
      return all.all().map((row) => ({ ...toPerson(row), roles: roles.get(row.id) ?? [] }));
    },
    /** Throws SQLite's UNIQUE error when the login is taken; callers check first. */
    create(input: { login: string; displayName: string; passwordHash: string | null }): Person {
      const at = now();
      const { lastInsertRowid } = insert.run(
        input.login,
        input.displayName,
        input.passwordHash,
        at,
        at,
      );
      return this.byId(Number(lastInsertRowid))!;
    },
    update(id: number, changes: { displayName: string; disabled: boolean }): void {
      update.run(changes.displayName, changes.disabled ? 1 : 0, now(), id);
    },
    setPasswordHash(id: number, passwordHash: string): void {
      updatePassword.run(passwordHash, now(), id);
    },
    roles(id: number): RoleGrant[] {
      return rolesOf.all(id);
    },
    /** Replaces every role of a person in one transaction. */
    setRoles: db.transaction((id: number, grants: readonly RoleGrant[]) => {
      clearRoles.run(id);
      for (const grant of grants) insertRole.run(id, grant.appId, grant.role);
    }),
    /** IDs of enabled people who are admin of every app (team admins). */
    teamAdminIds(): number[] {
      return enabledTeamAdmins.all().map((row) => row.id);
    },
  };
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>;
