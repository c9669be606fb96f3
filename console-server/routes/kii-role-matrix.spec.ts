import { registerUser } from '../kii/local-kii-process';
import { auditRowsOf, startKiiTeamFixture, type KiiTeamFixture } from '../testing/kii-team-fixture';
import { expectApiError, expectOk, type TeamClient } from '../testing/test-console-server';
import type { Role } from '../people/roles';

/** The people of the matrix, weakest first; each holds its role on the demo app and `spare`. */
const PERSONAS = ['nobody', 'viewer', 'support', 'operator', 'admin', 'team-admin'] as const;
type Persona = (typeof PERSONAS)[number];
/** Who a route needs: any signed-in person, a role on the app, or admin on every app. */
type Needed = 'session' | Role | 'team-admin';

interface Row {
  /** `METHOD /pattern` as fastify names the route, which refusal rows record as target. */
  route: string;
  needs: Needed;
  /** The statuses an allowed person gets (a real success, or a refusal past the guard). */
  allowed: number[];
  call: (client: TeamClient) => Promise<Response>;
  /** Undoes what an allowed call changed. */
  after?: () => void;
}

const rank = (needs: Needed) => PERSONAS.indexOf(needs === 'session' ? 'nobody' : needs);

describe('Kii routes: every role on every route', () => {
  let fx: KiiTeamFixture;
  const clients = new Map<Persona, TeamClient>();
  let signedOut: TeamClient;
  let rows: Row[];

  beforeAll(async () => {
    fx = await startKiiTeamFixture();
    const { app } = fx;
    const addSpare = () =>
      fx.server.app.team.apps.add(
        { ...app, appId: 'spare', site: 'custom', label: 'Spare' },
        'matrix spec',
      );
    addSpare();
    for (const persona of PERSONAS) {
      const roles =
        persona === 'nobody'
          ? []
          : persona === 'team-admin'
            ? [{ appId: '*', role: 'admin' as const }]
            : [app.appId, 'spare'].map((appId) => ({ appId, role: persona }));
      clients.set(persona, await fx.signedIn(`matrix-${persona}`, roles));
    }
    signedOut = fx.client();

    const teamAdmin = clients.get('team-admin')!;
    const base = `/team/api/apps/${app.appId}`;
    const userID = await registerUser(app, `matrix-${Date.now()}`);
    const { installationID } = await expectOk<{ installationID: string }>(
      await teamAdmin.request('POST', `${base}/installations`, { body: { userID } }),
    );
    const csv = { body: `${installationID}\n`, headers: { 'content-type': 'text/csv' } };
    const { jobId } = await expectOk<{ jobId: string }>(
      await teamAdmin.request('POST', `${base}/installations/import`, csv),
    );
    const credentials = {
      site: 'custom',
      baseUrl: app.baseUrl,
      appKey: app.appKey,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    };
    const inst = '/team/api/apps/:appId/installations';
    const topics = '/team/api/apps/:appId/topics';
    const subscription = `${base}/topics/app/announcements/subscriptions/user:${userID}`;
    rows = [
      {
        route: 'GET /team/api/apps',
        needs: 'session',
        allowed: [200],
        call: (c) => c.request('GET', '/team/api/apps'),
      },
      {
        route: 'POST /team/api/apps',
        needs: 'team-admin',
        // Connected already: past the guard, the answer is 409 (before any Kii call).
        allowed: [409],
        call: (c) =>
          c.request('POST', '/team/api/apps', { body: { appId: app.appId, ...credentials } }),
      },
      {
        route: 'PUT /team/api/apps/:appId',
        needs: 'admin',
        allowed: [200],
        call: (c) => c.request('PUT', base, { body: credentials }),
      },
      {
        route: 'DELETE /team/api/apps/:appId',
        needs: 'admin',
        allowed: [204],
        call: (c) => c.request('DELETE', '/team/api/apps/spare'),
        after: addSpare,
      },
      {
        route: `GET ${inst}`,
        needs: 'viewer',
        allowed: [200],
        call: (c) => c.request('GET', `${base}/installations`),
      },
      {
        route: `GET ${inst}/:ref`,
        needs: 'viewer',
        allowed: [200],
        call: (c) =>
          c.request('GET', `${base}/installations/ANDROID:demo-fcm-registration-token-carol`),
      },
      {
        route: `POST ${inst}`,
        needs: 'operator',
        // The first install of the user answers 201; repeats return the same one with 200.
        allowed: [200, 201],
        call: (c) => c.request('POST', `${base}/installations`, { body: { userID } }),
      },
      {
        route: `DELETE ${inst}/:ref`,
        needs: 'operator',
        allowed: [404],
        call: (c) => c.request('DELETE', `${base}/installations/no-such-installation`),
      },
      {
        route: `POST ${inst}/bulk-uninstall`,
        needs: 'operator',
        allowed: [200],
        call: (c) =>
          c.request('POST', `${base}/installations/bulk-uninstall`, {
            body: { refs: [installationID], dryRun: true },
          }),
      },
      {
        route: `POST ${inst}/import`,
        needs: 'operator',
        allowed: [202],
        call: (c) => c.request('POST', `${base}/installations/import`, csv),
      },
      {
        route: 'GET /team/api/apps/:appId/imports/:jobId',
        needs: 'operator',
        allowed: [200],
        call: (c) => c.request('GET', `${base}/imports/${jobId}`),
      },
      {
        route: `GET ${inst}/:ref/mqtt-endpoint`,
        needs: 'operator',
        allowed: [200],
        call: (c) => c.request('GET', `${base}/installations/${installationID}/mqtt-endpoint`),
      },
      {
        route: 'POST /team/api/apps/:appId/push',
        needs: 'support',
        allowed: [201],
        call: (c) =>
          c.request('POST', `${base}/push`, {
            body: {
              target: { kind: 'app-topic', topicID: 'announcements' },
              message: { data: { test: 'matrix' } },
            },
          }),
      },
      {
        route: `GET ${topics}`,
        needs: 'viewer',
        allowed: [200],
        call: (c) => c.request('GET', `${base}/topics?scope=app`),
      },
      {
        route: `POST ${topics}`,
        needs: 'operator',
        // The first creation answers 201; the next ones Kii's TOPIC_ALREADY_EXISTS.
        allowed: [201, 409],
        call: (c) =>
          c.request('POST', `${base}/topics`, { body: { scope: 'app', topicID: 'matrix' } }),
      },
      {
        route: `DELETE ${topics}/:scope/:topicID`,
        needs: 'operator',
        allowed: [404],
        call: (c) => c.request('DELETE', `${base}/topics/app/no-such-topic`),
      },
      {
        route: `GET ${topics}/:scope/:topicID/subscriptions/:subscriber`,
        needs: 'viewer',
        allowed: [200],
        call: (c) => c.request('GET', subscription),
      },
      {
        route: `PUT ${topics}/:scope/:topicID/subscriptions/:subscriber`,
        needs: 'operator',
        allowed: [200],
        call: (c) => c.request('PUT', subscription),
      },
      {
        route: `DELETE ${topics}/:scope/:topicID/subscriptions/:subscriber`,
        needs: 'operator',
        // Subscribed by the PUT row when it ran before; unsubscribed already by a repeat.
        allowed: [204, 404],
        call: (c) => c.request('DELETE', subscription),
      },
      {
        route: 'POST /team/api/apps/:appId/monitors/topic',
        needs: 'viewer',
        allowed: [200],
        call: (c) =>
          c.request('POST', `${base}/monitors/topic`, {
            body: { scope: 'app', topicID: 'announcements' },
          }),
      },
      {
        route: 'DELETE /team/api/apps/:appId/monitors/topic/:scope/:topicID',
        needs: 'viewer',
        allowed: [204],
        call: (c) => c.request('DELETE', `${base}/monitors/topic/app/announcements`),
      },
      {
        route: 'POST /team/api/apps/:appId/monitors/installation/:ref',
        needs: 'operator',
        allowed: [200],
        call: (c) => c.request('POST', `${base}/monitors/installation/${installationID}`),
      },
    ];
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    expect(fx.responses.length).toBeGreaterThan(100);
    expect(fx.adminTokens.size).toBeGreaterThan(0);
    expect(fx.leaks()).withContext('responses or audit rows holding a secret').toEqual([]);
    await fx.stop();
  });

  it('has a row for every route under /team/api/apps, and nothing else', () => {
    // printRoutes draws a tree of path pieces, four columns a level; a piece may carry methods.
    const served: string[] = [];
    const stack: string[] = [];
    for (const line of fx.server.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^(.*?)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
      if (!match) continue;
      const depth = match[1].length / 4;
      stack.length = depth;
      stack.push(match[2]);
      const path = stack.join('');
      if (!match[3] || !path.startsWith('/team/api/apps')) continue;
      for (const method of match[3].split(', ')) {
        if (method !== 'HEAD') served.push(`${method} ${path}`);
      }
    }
    expect(rows.map((row) => row.route).sort()).toEqual(served.sort());
  });

  it('refuses anyone signed out with 401 on every route', async () => {
    for (const row of rows) {
      await expectApiError(await row.call(signedOut), 401, 'UNAUTHENTICATED');
    }
  });

  it('allows each role what it may do and refuses the rest with 403, each refusal audited', async () => {
    const outcomes: string[] = [];
    for (const row of rows) {
      for (const persona of PERSONAS) {
        const login = `matrix-${persona}`;
        const allowed = PERSONAS.indexOf(persona) >= rank(row.needs);
        const before = auditRowsOf(fx, login, 'access.refused')[0]?.seq ?? 0;
        const response = await row.call(clients.get(persona)!);
        const text = await response.text();
        outcomes.push(`${row.route} ${persona} ${response.status}`);
        if (allowed) {
          expect(row.allowed)
            .withContext(`${row.route} as ${persona}: ${response.status} ${text}`)
            .toContain(response.status);
          row.after?.();
          continue;
        }
        expect(`${response.status} ${JSON.parse(text).error.code}`)
          .withContext(`${row.route} as ${persona}`)
          .toBe('403 FORBIDDEN');
        const refusal = auditRowsOf(fx, login, 'access.refused')[0];
        expect(refusal?.seq)
          .withContext(`${row.route} as ${persona}: audited`)
          .toBeGreaterThan(before);
        expect(refusal?.target).toBe(row.route);
        expect(refusal?.clientAddress).toBe('127.0.0.1');
      }
    }
    expect(outcomes.length).toBe(rows.length * PERSONAS.length);
  }, 60_000);

  it('lists only the apps a person holds a role on, with that role', async () => {
    type Listed = { appId: string; role: string }[];
    expect(
      await expectOk<Listed>(await clients.get('nobody')!.request('GET', '/team/api/apps')),
    ).toEqual([]);
    const viewerApps = await expectOk<Listed>(
      await clients.get('viewer')!.request('GET', '/team/api/apps'),
    );
    expect(viewerApps.map((a) => `${a.appId} ${a.role}`).sort()).toEqual(
      [`${fx.app.appId} viewer`, 'spare viewer'].sort(),
    );
  });
});
