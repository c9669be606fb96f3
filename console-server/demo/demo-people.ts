import { createAuditRepository } from '../audit/audit-repository';
import { openDatabase } from '../db/database';
import {
  DEFAULT_PASSWORD_COST,
  generatePassword,
  hashPassword,
  type PasswordCost,
} from '../people/passwords';
import { createPeopleRepository } from '../people/people-repository';
import { ALL_APPS, type Role, type RoleGrant } from '../people/roles';

/** The demo people `npm start` makes: one per role, the admin over every app. */
export const DEMO_LOGINS = ['admin', 'operator', 'support', 'viewer'] as const satisfies Role[];
export type DemoLogin = (typeof DEMO_LOGINS)[number];

export interface DemoPerson {
  login: DemoLogin;
  password: string;
  roles: RoleGrant[];
}

function rolesOf(login: DemoLogin, appId: string): RoleGrant[] {
  return login === 'admin' ? [{ appId: ALL_APPS, role: 'admin' }] : [{ appId, role: login }];
}

/**
 * Creates the demo people in the console server's database, or, when the data dir already has
 * them, gives them new random passwords and their demo roles back, and ends their sessions (as
 * a password change in the People page does). Only hashes are stored, so the passwords cannot
 * be shown again: each start prints new ones. Runs before the console server starts, so
 * nothing else writes meanwhile; each change leaves an audit row from `npm start`.
 */
export async function resetDemoPeople(options: {
  dataDir: string;
  appId: string;
  cost?: PasswordCost;
}): Promise<DemoPerson[]> {
  const cost = options.cost ?? DEFAULT_PASSWORD_COST;
  const made = await Promise.all(
    DEMO_LOGINS.map(async (login) => {
      const password = generatePassword();
      return { login, password, hash: await hashPassword(password, cost) };
    }),
  );
  const db = openDatabase({ dataDir: options.dataDir, inMemory: false });
  try {
    const people = createPeopleRepository(db);
    const audit = createAuditRepository(db);
    const endSessions = db.prepare('DELETE FROM sessions WHERE person_id = ?');
    return db.transaction(() =>
      made.map(({ login, password, hash }) => {
        const roles = rolesOf(login, options.appId);
        const existing = people.byLogin(login);
        const displayName = existing?.displayName ?? `Demo ${login}`;
        const person = existing ?? people.create({ login, displayName, passwordHash: hash });
        if (existing) {
          people.update(person.id, { displayName, disabled: false });
          people.setPasswordHash(person.id, hash);
          endSessions.run(person.id);
        }
        people.setRoles(person.id, roles);
        audit.record({
          person: null,
          action: existing ? 'person.update' : 'person.create',
          target: login,
          status: existing ? 200 : 201,
          clientAddress: 'npm start',
          details: { via: 'demo-start', roles, passwordChanged: Boolean(existing) },
        });
        return { login, password, roles };
      }),
    )();
  } finally {
    db.close();
  }
}
