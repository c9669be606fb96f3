import { effectiveRole, roleAllows, type RoleGrant } from '../people/roles';
import {
  expectApiError,
  expectOk,
  startTestConsoleServer,
  type TeamClient,
  type TestConsoleServer,
} from '../testing/test-console-server';

interface PersonAnswer {
  id: number;
  login: string;
  displayName: string;
  disabled: boolean;
  roles: RoleGrant[];
}

/** People and roles management: who may, who may not, and what it does. */
describe('team people routes', () => {
  let server: TestConsoleServer;
  let admin: TeamClient;
  let targetId: number;

  beforeEach(async () => {
    server = await startTestConsoleServer();
    await server.addPerson('root', [{ appId: '*', role: 'admin' }]);
    targetId = await server.addPerson('target', [{ appId: 'app1', role: 'viewer' }]);
    admin = server.client();
    await admin.signIn('root');
  });
  afterEach(() => server.close());

  const routes = () => [
    { method: 'GET', path: '/team/api/people' },
    {
      method: 'POST',
      path: '/team/api/people',
      body: { login: 'newbie', displayName: 'New', password: 'a-long-password' },
    },
    {
      method: 'PUT',
      path: `/team/api/people/${targetId}`,
      body: { displayName: 'Renamed', disabled: false },
    },
    {
      method: 'PUT',
      path: `/team/api/people/${targetId}/roles`,
      body: { roles: [{ appId: 'app1', role: 'admin' }] },
    },
  ];

  const refusedGrants: [string, RoleGrant[]][] = [
    ['no role', []],
    ['viewer of every app', [{ appId: '*', role: 'viewer' }]],
    ['support of every app', [{ appId: '*', role: 'support' }]],
    ['operator of every app', [{ appId: '*', role: 'operator' }]],
    ['admin of one app', [{ appId: 'app1', role: 'admin' }]],
  ];

  for (const [label, grants] of refusedGrants) {
    it(`refuses every people route to a person who is ${label}, and records each refusal`, async () => {
      await server.addPerson('someone', grants);
      const client = server.client();
      await client.signIn('someone');
      for (const route of routes()) {
        const error = await expectApiError(
          await client.request(route.method, route.path, { body: route.body }),
          403,
          'FORBIDDEN',
        );
        expect(error.message).toBe('This needs the admin role on every app');
      }
      const refusals = server.app.team.db
        .prepare(
          "SELECT person, target, status, error_code FROM audit_log WHERE action = 'access.refused'",
        )
        .all();
      expect(refusals).toEqual(
        routes().map((route) => ({
          person: 'someone',
          target: `${route.method} ${route.path.replace(/\/\d+/, '/:personId')}`,
          status: 403,
          error_code: 'FORBIDDEN',
        })),
      );
      // Nothing changed.
      expect(server.app.team.people.byLogin('newbie')).toBeUndefined();
      expect(server.app.team.people.roles(targetId)).toEqual([{ appId: 'app1', role: 'viewer' }]);
    });
  }

  it('answers 401 to every people route without a session', async () => {
    for (const route of routes()) {
      await expectApiError(
        await server.client().request(route.method, route.path, { body: route.body }),
        401,
        'UNAUTHENTICATED',
      );
    }
  });

  it('lets a team admin list, create, update and set roles', async () => {
    const people = await expectOk<PersonAnswer[]>(await admin.request('GET', '/team/api/people'));
    expect(people.map((p) => [p.login, p.roles])).toEqual([
      ['root', [{ appId: '*', role: 'admin' }]],
      ['target', [{ appId: 'app1', role: 'viewer' }]],
    ]);
    expect(JSON.stringify(people)).not.toContain('scrypt');

    const newbie = await expectOk<PersonAnswer>(
      await admin.request('POST', '/team/api/people', {
        body: {
          login: 'newbie',
          displayName: 'New Person',
          password: 'a-long-password',
          roles: [{ appId: 'app2', role: 'support' }],
        },
      }),
    );
    expect(newbie).toEqual(
      jasmine.objectContaining({ login: 'newbie', roles: [{ appId: 'app2', role: 'support' }] }),
    );
    await expectOk(await server.client().signIn('newbie', 'a-long-password'));

    const renamed = await expectOk<PersonAnswer>(
      await admin.request('PUT', `/team/api/people/${targetId}`, {
        body: { displayName: 'Renamed', disabled: false },
      }),
    );
    expect(renamed.displayName).toBe('Renamed');

    const raised = await expectOk<PersonAnswer>(
      await admin.request('PUT', `/team/api/people/${targetId}/roles`, {
        body: {
          roles: [
            { appId: 'app1', role: 'operator' },
            { appId: 'app2', role: 'viewer' },
          ],
        },
      }),
    );
    expect(raised.roles).toEqual([
      { appId: 'app1', role: 'operator' },
      { appId: 'app2', role: 'viewer' },
    ]);
  });

  it('signs a person out everywhere when disabled or given a new password', async () => {
    const target = server.client();
    await target.signIn('target');
    await expectOk(
      await admin.request('PUT', `/team/api/people/${targetId}`, {
        body: { displayName: 'target', disabled: false, password: 'another-long-password' },
      }),
    );
    await expectApiError(await target.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
    await expectOk(await target.signIn('target', 'another-long-password'));
    await expectOk(
      await admin.request('PUT', `/team/api/people/${targetId}`, {
        body: { displayName: 'target', disabled: true },
      }),
    );
    await expectApiError(await target.request('GET', '/team/api/me'), 401, 'UNAUTHENTICATED');
  });

  it('keeps the session of an admin who changes their own password', async () => {
    const rootId = server.app.team.people.byLogin('root')!.id;
    await expectOk(
      await admin.request('PUT', `/team/api/people/${rootId}`, {
        body: { displayName: 'root', disabled: false, password: 'another-long-password' },
      }),
    );
    await expectOk(await admin.request('GET', '/team/api/me'));
  });

  it('refuses to leave no enabled team admin', async () => {
    const rootId = server.app.team.people.byLogin('root')!.id;
    await expectApiError(
      await admin.request('PUT', `/team/api/people/${rootId}/roles`, { body: { roles: [] } }),
      409,
      'LAST_TEAM_ADMIN',
    );
    await expectApiError(
      await admin.request('PUT', `/team/api/people/${rootId}`, {
        body: { displayName: 'root', disabled: true },
      }),
      409,
      'LAST_TEAM_ADMIN',
    );
    await expectOk(
      await admin.request('PUT', `/team/api/people/${targetId}/roles`, {
        body: { roles: [{ appId: '*', role: 'admin' }] },
      }),
    );
    await expectOk(
      await admin.request('PUT', `/team/api/people/${rootId}/roles`, { body: { roles: [] } }),
    );
  });

  it('refuses bad input with 400 naming the field, a taken login with 409, an unknown ID with 404', async () => {
    const cases: [unknown, string][] = [
      [{ login: 'Upper', displayName: 'x', password: 'a-long-password' }, 'body.login'],
      [{ login: 'ok', displayName: 'x', password: 'short' }, 'body.password'],
      [{ login: 'ok', displayName: 'x', password: 'a-long-password', admin: true }, 'body.admin'],
      [{ login: 'ok', displayName: 7, password: 'a-long-password' }, 'body.displayName'],
      [
        {
          login: 'ok',
          displayName: 'x',
          password: 'a-long-password',
          roles: [{ appId: 'a', role: 'owner' }],
        },
        'body.roles.0.role',
      ],
    ];
    for (const [body, field] of cases) {
      const error = await expectApiError(
        await admin.request('POST', '/team/api/people', { body }),
        400,
        'INVALID_INPUT',
      );
      expect(Object.keys(error.details!['fields'] as object)).toContain(field);
    }
    await expectApiError(
      await admin.request('POST', '/team/api/people', {
        body: {
          login: 'ok',
          displayName: 'x',
          password: 'a-long-password',
          roles: [
            { appId: 'a', role: 'viewer' },
            { appId: 'a', role: 'admin' },
          ],
        },
      }),
      400,
      'INVALID_INPUT',
    );
    await expectApiError(
      await admin.request('POST', '/team/api/people', {
        body: { login: 'target', displayName: 'x', password: 'a-long-password' },
      }),
      409,
      'CONFLICT',
    );
    await expectApiError(
      await admin.request('PUT', '/team/api/people/999/roles', { body: { roles: [] } }),
      404,
      'NOT_FOUND',
    );
    await expectApiError(
      await admin.request('PUT', '/team/api/people/abc/roles', { body: { roles: [] } }),
      400,
      'INVALID_INPUT',
    );
  });
});

describe('roles', () => {
  it('ranks viewer < support < operator < admin and lets a role on every app count for each', () => {
    const grants: RoleGrant[] = [
      { appId: '*', role: 'support' },
      { appId: 'app1', role: 'operator' },
    ];
    expect(effectiveRole(grants, 'app1')).toBe('operator');
    expect(effectiveRole(grants, 'app2')).toBe('support');
    expect(roleAllows(grants, 'app2', 'viewer')).toBeTrue();
    expect(roleAllows(grants, 'app2', 'operator')).toBeFalse();
    expect(roleAllows(grants, 'app1', 'admin')).toBeFalse();
    expect(roleAllows(grants, '*', 'support')).toBeTrue();
    expect(roleAllows(grants, '*', 'operator')).toBeFalse();
    expect(effectiveRole([], 'app1')).toBeUndefined();
  });
});
