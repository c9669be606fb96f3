import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../people/roles';
import { loadOidcConfig } from './oidc-config';
import { mapRoles } from './role-mapping';

/** The --oidc-config file: what it accepts, and the message for each mistake. */
describe('team OIDC config', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpc-oidc-config-'));
    writeFileSync(join(dir, 'secret'), ' s3cret \n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const base = {
    id: 'corp',
    label: 'Corp SSO',
    issuer: 'https://login.example.com/realms/corp',
    clientId: 'kpc',
    clientSecretFile: 'secret',
    roleMapping: { claim: 'groups', roles: { ops: { app1: 'operator' } } },
  };

  function load(provider: Record<string, unknown>, extra: object[] = []) {
    const file = join(dir, 'oidc.json');
    writeFileSync(file, JSON.stringify({ providers: [provider, ...extra] }));
    return loadOidcConfig(file);
  }

  it('reads a provider with defaults, the secret from a file beside the config', () => {
    const [corp] = load(base);
    expect(corp.id).toBe('corp');
    expect(corp.issuer.href).toBe('https://login.example.com/realms/corp');
    expect(corp.clientSecret).toBe('s3cret');
    expect(corp.scopes).toEqual(['openid', 'profile', 'email']);
    expect(corp.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(corp.roleClaim).toBe('groups');
    expect([...corp.roleMap.get('ops')!]).toEqual([['app1', 'operator']]);
  });

  it('adds openid to the scopes, and reads the secret from an environment variable', () => {
    process.env['KPC_TEST_SECRET'] = 'from-env';
    try {
      const { clientSecretFile: _file, ...rest } = base;
      const [corp] = load({ ...rest, clientSecretEnv: 'KPC_TEST_SECRET', scopes: ['groups'] });
      expect(corp.clientSecret).toBe('from-env');
      expect(corp.scopes).toEqual(['openid', 'groups']);
    } finally {
      delete process.env['KPC_TEST_SECRET'];
    }
  });

  const mistakes: [string, Record<string, unknown>, RegExp][] = [
    ['an inline secret', { clientSecret: 'x' }, /clientSecret is not read/],
    ['both secret sources', { clientSecretEnv: 'X' }, /exactly one of clientSecretFile/],
    [
      'a missing secret file',
      { clientSecretFile: 'nope' },
      /clientSecretFile .*nope cannot be read/,
    ],
    [
      'an unset secret variable',
      { clientSecretFile: undefined, clientSecretEnv: 'KPC_UNSET_VAR' },
      /environment variable KPC_UNSET_VAR\) is empty/,
    ],
    ['plain http off this machine', { issuer: 'http://login.example.com' }, /must use https/],
    ['a bad id', { id: 'Corp SSO' }, /providers\[0\]\.id must match/],
    [
      'an unknown role',
      { roleMapping: { claim: 'groups', roles: { ops: { app1: 'root' } } } },
      /\["ops"\]\["app1"\] must be one of viewer, support, operator, admin/,
    ],
    ['an empty role map', { roleMapping: { claim: 'groups', roles: {} } }, /maps no claim value/],
    ['a redirect origin with a path', { redirectOrigin: 'https://c.example.com/x' }, /origin only/],
  ];
  for (const [name, change, message] of mistakes) {
    it(`refuses ${name}`, () => {
      expect(() => load({ ...base, ...change })).toThrowError(message);
    });
  }

  it('accepts plain http for a provider on this machine', () => {
    expect(load({ ...base, issuer: 'http://127.0.0.1:9000' })[0].issuer.port).toBe('9000');
    expect(load({ ...base, issuer: 'http://localhost:9000' })[0].issuer.hostname).toBe('localhost');
  });

  it('refuses a provider ID used twice, and a file that is not JSON', () => {
    expect(() => load(base, [base])).toThrowError(/"corp" is used twice/);
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ providers: ');
    expect(() => loadOidcConfig(file)).toThrowError(/not valid JSON/);
  });
});

describe('team OIDC role mapping', () => {
  const provider = {
    roleClaim: 'groups',
    roleMap: new Map<string, Map<string, Role>>([
      ['ops', new Map([['app1', 'operator']])],
      [
        'support',
        new Map([
          ['app1', 'support'],
          ['app2', 'support'],
        ]),
      ],
      ['admins', new Map([['*', 'admin']])],
    ]),
  };

  it('keeps the strongest role per app, whatever the order of the values', () => {
    expect(mapRoles(provider, { groups: ['support', 'ops'] }).grants).toEqual([
      { appId: 'app1', role: 'operator' },
      { appId: 'app2', role: 'support' },
    ]);
    expect(mapRoles(provider, { groups: ['ops', 'support', 'admins'] }).grants).toEqual([
      { appId: '*', role: 'admin' },
      { appId: 'app1', role: 'operator' },
      { appId: 'app2', role: 'support' },
    ]);
  });

  it('takes a single string, ignores values that are not strings and grants nothing when the claim is absent', () => {
    expect(mapRoles(provider, { groups: 'ops' }).grants).toEqual([
      { appId: 'app1', role: 'operator' },
    ]);
    expect(mapRoles(provider, { groups: [7, null, 'ops'] }).values).toEqual(['ops']);
    expect(mapRoles(provider, {})).toEqual({ grants: [], values: [] });
    // A value that only looks like a mapped one grants nothing.
    expect(mapRoles(provider, { groups: ['OPS', 'ops '] }).grants).toEqual([]);
  });
});
