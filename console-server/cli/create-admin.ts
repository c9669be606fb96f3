import { createAuditRepository } from '../audit/audit-repository';
import type { CreateAdminOptions } from '../config';
import { UsageError } from '../config';
import { openDatabase } from '../db/database';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../people/passwords';
import { createPeopleRepository } from '../people/people-repository';
import { ALL_APPS } from '../people/roles';

const LOGIN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline (from echo or a here-string) is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * `create-admin`: adds a person who is admin of every app, the first one that can then manage
 * everyone else from the console. Works while the server runs (SQLite waits for its lock).
 * Returns the generated password, if one was generated, for the caller to print once.
 */
export async function createAdmin(options: CreateAdminOptions): Promise<{ generated?: string }> {
  const login = options.login.trim().toLowerCase();
  if (!LOGIN.test(login)) {
    throw new UsageError('--login takes 1-64 of a-z 0-9 . _ @ -, starting with a letter or digit');
  }
  const password = options.passwordStdin ? await readStdin() : generatePassword();
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const db = openDatabase({ dataDir: options.dataDir, inMemory: false });
  try {
    const people = createPeopleRepository(db);
    if (people.byLogin(login)) throw new UsageError(`the login ${login} is taken`);
    const passwordHash = await hashPassword(password);
    const displayName = options.displayName ?? login;
    const person = people.create({ login, displayName, passwordHash });
    people.setRoles(person.id, [{ appId: ALL_APPS, role: 'admin' }]);
    createAuditRepository(db).record({
      person: null,
      action: 'person.create',
      target: login,
      status: 201,
      clientAddress: 'cli',
      details: { displayName, roles: [{ appId: ALL_APPS, role: 'admin' }], via: 'create-admin' },
    });
    return options.passwordStdin ? {} : { generated: password };
  } finally {
    db.close();
  }
}
