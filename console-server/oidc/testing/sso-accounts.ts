import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestAccount } from './test-oidc-provider';

/*
 * The test provider's client, accounts and the console server's config for it: shared by the
 * team specs (sso-fixture.ts) and the e2e spec, so this imports nothing of the server.
 */

export const CLIENT_ID = 'kpc-console';
export const CLIENT_SECRET = 'test-client-secret-9f2c41d7e8';
export const PROVIDER_ID = 'corp';

/** The role mapping the specs sign in under. */
export const ROLE_MAPPING = {
  claim: 'groups',
  roles: {
    'console-admins': { '*': 'admin' },
    'support-desk': { app1: 'support' },
    ops: { app1: 'operator', app2: 'viewer' },
  },
};

export const TEST_ACCOUNTS: TestAccount[] = [
  {
    sub: 'u-ada',
    username: 'ada',
    password: 'ada-pass',
    name: 'Ada Lovelace',
    email: 'ada@example.test',
    groups: ['ops', 'unrelated'],
  },
  {
    sub: 'u-grace',
    username: 'grace',
    password: 'grace-pass',
    name: 'Grace Hopper',
    email: 'grace@example.test',
    groups: ['console-admins'],
  },
  {
    sub: 'u-eve',
    username: 'eve',
    password: 'eve-pass',
    name: 'Eve',
    email: 'eve@example.test',
    groups: ['marketing'],
  },
];

/** A config file for the console server naming `issuer`, its secret in a file beside it. */
export function writeOidcConfig(dir: string, issuer: string, extra: object[] = []): string {
  writeFileSync(join(dir, 'corp.secret'), `${CLIENT_SECRET}\n`, { mode: 0o600 });
  const file = join(dir, 'oidc.json');
  const corp = {
    id: PROVIDER_ID,
    label: 'Corp SSO',
    issuer,
    clientId: CLIENT_ID,
    clientSecretFile: 'corp.secret',
    scopes: ['openid', 'profile', 'email', 'groups'],
    roleMapping: ROLE_MAPPING,
  };
  writeFileSync(file, JSON.stringify({ providers: [corp, ...extra] }));
  return file;
}
