import { registerUser } from '../kii/local-kii-process';
import { auditRowsOf, startKiiTeamFixture, type KiiTeamFixture } from '../testing/kii-team-fixture';
import { expectApiError, expectOk, type TeamClient } from '../testing/test-console-server';

interface Installed {
  installationID: string;
  installationRegistrationID: string;
  created: boolean;
  installation: { addedBy: string; addedVia: string; lastStatus: string };
}
interface Listing {
  source: 'local' | 'registry';
  total: number;
  installations: { installationID?: string; addedBy: string | null; lastStatus?: string }[];
  nextCursor?: string;
}

describe('Kii routes against the local Kii server', () => {
  let fx: KiiTeamFixture;
  let operator: TeamClient;
  let base: string;

  beforeAll(async () => {
    fx = await startKiiTeamFixture();
    base = `/team/api/apps/${fx.app.appId}`;
    operator = await fx.signedIn('olivia', [{ appId: fx.app.appId, role: 'operator' }]);
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    expect(fx.adminTokens.size).toBeGreaterThan(0);
    expect(fx.leaks()).withContext('responses or audit rows holding a secret').toEqual([]);
    // The scan itself finds a token where one is.
    fx.responses.push(`leaked ${[...fx.adminTokens][0]}`);
    expect(fx.leaks().length).toBe(1);
    await fx.stop();
  });

  let serial = 0;
  async function install(client: TeamClient, login: string): Promise<Installed> {
    const userID = await registerUser(fx.app, `${login}-${Date.now()}-${++serial}`);
    return expectOk<Installed>(
      await client.request('POST', `${base}/installations`, { body: { userID } }),
    );
  }

  it('installs, reveals the endpoint (audited without the password), uninstalls', async () => {
    const installed = await install(operator, 'trip');
    expect(installed.created).toBeTrue();
    expect(installed.installation.addedBy).toBe('olivia');
    const id = installed.installationID;

    const response = await operator.request('GET', `${base}/installations/${id}/mqtt-endpoint`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const endpoint = await expectOk<{ installationID: string; password: string; portWS: number }>(
      response,
    );
    expect(endpoint.installationID).toBe(id);
    expect(endpoint.portWS).toBe(fx.kii.http);
    const reveal = auditRowsOf(fx, 'olivia', 'installation.credentials.reveal')[0];
    expect(reveal.target).toBe(id);
    expect(reveal.status).toBe(200);
    expect(reveal.clientAddress).toBe('127.0.0.1');
    expect(reveal.detailsJson).not.toContain(endpoint.password);

    const byRegistration = `MQTT:${installed.installationRegistrationID}`;
    const found = await expectOk<{ installationID: string; addedBy: string }>(
      await operator.request('GET', `${base}/installations/${byRegistration}`),
    );
    expect(found).toEqual(jasmine.objectContaining({ installationID: id, addedBy: 'olivia' }));

    expect((await operator.request('DELETE', `${base}/installations/${id}`)).status).toBe(204);
    const uninstall = auditRowsOf(fx, 'olivia', 'installation.uninstall')[0];
    expect([uninstall.target, uninstall.status]).toEqual([id, 204]);

    const gone = await expectApiError(
      await operator.request('GET', `${base}/installations/${id}/mqtt-endpoint`),
      404,
      'KII_NOT_FOUND',
    );
    expect(gone.details).toEqual({ kii: { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' } });
    const failed = auditRowsOf(fx, 'olivia', 'installation.credentials.reveal')[0];
    expect([failed.status, failed.errorCode]).toEqual([404, 'INSTALLATION_NOT_FOUND']);
    expect(JSON.parse(failed.detailsJson).kii).toEqual({
      status: 404,
      errorCode: 'INSTALLATION_NOT_FOUND',
    });

    const registry = await expectOk<Listing>(
      await operator.request('GET', `${base}/installations?source=registry&status=gone`),
    );
    expect(registry.installations.map((row) => row.installationID)).toContain(id);
  });

  it('imports a CSV, verifying each row with progress: the unknown ID is reported gone', async () => {
    const a = await install(operator, 'import-a');
    const b = await install(operator, 'import-b');
    const csv = `installationID\n${a.installationID}\nmissing-installation-42\nMQTT:${b.installationRegistrationID}\n`;
    const started = await expectOk<{ jobId: string; total: number }>(
      await operator.request('POST', `${base}/installations/import`, {
        body: csv,
        headers: { 'content-type': 'text/csv' },
      }),
    );
    expect(started.total).toBe(3);

    type Job = {
      state: string;
      done: number;
      total: number;
      counts: Record<string, number>;
      results?: { ref: string; status: string }[];
    };
    let job: Job;
    const seen: number[] = [];
    for (let polls = 0; ; polls++) {
      job = await expectOk<Job>(await operator.request('GET', `${base}/imports/${started.jobId}`));
      seen.push(job.done);
      if (job.state !== 'running') break;
      expect(job.results).toBeUndefined();
      expect(polls).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(job.state).toBe('done');
    expect([job.done, job.total]).toEqual([3, 3]);
    expect(job.counts).toEqual({ exists: 2, gone: 1, refused: 0, 'not-checked': 0 });
    expect(job.results!.map((r) => `${r.ref} ${r.status}`)).toEqual([
      `${a.installationID} exists`,
      'missing-installation-42 gone',
      `MQTT:${b.installationRegistrationID} exists`,
    ]);
    const done = auditRowsOf(fx, 'olivia', 'installation.import.done')[0];
    expect(done.target).toBe(started.jobId);
    expect(JSON.parse(done.detailsJson).items).toEqual([
      jasmine.objectContaining({ ref: 'missing-installation-42', status: 'gone' }),
    ]);
    const gone = await expectOk<Listing>(
      await operator.request('GET', `${base}/installations?source=registry&status=gone&limit=500`),
    );
    expect(gone.installations.map((r) => r.installationID)).toContain('missing-installation-42');
  });

  it('shares the registry: what A installs, B lists in another session with A as adder', async () => {
    const ann = await fx.signedIn('ann', [{ appId: fx.app.appId, role: 'operator' }]);
    const bob = await fx.signedIn('bob', [{ appId: fx.app.appId, role: 'viewer' }]);
    const { installationID } = await install(ann, 'shared');
    for (const query of ['limit=500', 'source=registry&limit=500']) {
      const listing = await expectOk<Listing>(
        await bob.request('GET', `${base}/installations?${query}`),
      );
      expect(listing.source).toBe(query.startsWith('source') ? 'registry' : 'local');
      const row = listing.installations.find((r) => r.installationID === installationID);
      expect(row?.addedBy).withContext(query).toBe('ann');
    }
  });

  it('installs for a thing too, and records it with its owner', async () => {
    const listing = await expectOk<{ installations: { owner?: { type: string; id: string } }[] }>(
      await operator.request('GET', `${base}/installations?limit=500`),
    );
    const thingID = listing.installations.find((row) => row.owner?.type === 'thing')!.owner!.id;
    const installed = await expectOk<Installed & { installation: { owner: object } }>(
      await operator.request('POST', `${base}/installations`, { body: { thingID } }),
    );
    expect(installed.installation.owner).toEqual({ type: 'thing', id: thingID });
    const row = auditRowsOf(fx, 'olivia', 'installation.install')[0];
    expect([row.target, JSON.parse(row.detailsJson).owner]).toEqual([
      installed.installationID,
      `thing:${thingID}`,
    ]);
  });

  it('pages the listing with a cursor', async () => {
    const first = await expectOk<Listing>(
      await operator.request('GET', `${base}/installations?limit=2`),
    );
    expect(first.installations.length).toBe(2);
    const second = await expectOk<Listing>(
      await operator.request(
        'GET',
        `${base}/installations?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
      ),
    );
    expect(second.installations[0].installationID).not.toBe(first.installations[0].installationID);
  });

  it('sends a test push with its pushMessageID audited; a Kii refusal carries details.kii', async () => {
    const support = await fx.signedIn('sam', [{ appId: fx.app.appId, role: 'support' }]);
    const sent = await expectOk<{ pushMessageID: string }>(
      await support.request('POST', `${base}/push`, {
        body: {
          target: { kind: 'app-topic', topicID: 'announcements' },
          message: { data: { hi: 1 } },
        },
      }),
    );
    const row = auditRowsOf(fx, 'sam', 'push.send')[0];
    expect(row.target).toBe('app-topic:announcements');
    expect(JSON.parse(row.detailsJson).pushMessageID).toBe(sent.pushMessageID);

    const refused = await expectApiError(
      await support.request('POST', `${base}/push`, {
        body: { target: { kind: 'app-topic', topicID: 'no-such-topic' }, message: { data: {} } },
      }),
      404,
      'KII_NOT_FOUND',
    );
    expect(refused.details).toEqual({ kii: { status: 404, errorCode: 'TOPIC_NOT_FOUND' } });
    expect(auditRowsOf(fx, 'sam', 'push.send')[0].errorCode).toBe('TOPIC_NOT_FOUND');

    const userID = await registerUser(fx.app, `push-${Date.now()}`);
    const direct = await expectOk<{ pushMessageID: string }>(
      await support.request('POST', `${base}/push`, {
        body: { target: { kind: 'user', userID }, message: { data: { hi: 2 } } },
      }),
    );
    expect(auditRowsOf(fx, 'sam', 'push.send')[0].target).toBe(`user:${userID}`);
    expect(direct.pushMessageID).not.toBe(sent.pushMessageID);
    await expectApiError(
      await support.request('POST', `${base}/push`, {
        body: { target: { kind: 'user', topicID: 'announcements' }, message: { data: {} } },
      }),
      400,
      'INVALID_INPUT',
    );
  });

  it('refuses credentials Kii refuses, with Kii’s answer in details, keeping the stored ones', async () => {
    const admin = await fx.signedIn('ada', [{ appId: '*', role: 'admin' }]);
    const wrong = 'definitely-not-the-client-secret';
    const { appId: _appId, ...credentials } = fx.app;
    const response = await admin.request('PUT', base, {
      body: { ...credentials, site: 'custom', clientSecret: wrong },
    });
    const error = await expectApiError(response, 400, 'KII_CREDENTIALS_REFUSED');
    const kii = error.details!['kii'] as { status: number; errorCode: string };
    expect(kii.status).toBeGreaterThanOrEqual(400);
    expect(typeof kii.errorCode).toBe('string');
    const row = auditRowsOf(fx, 'ada', 'app.replace')[0];
    expect([row.target, row.status, row.errorCode]).toEqual([fx.app.appId, 400, kii.errorCode]);
    expect(row.detailsJson).not.toContain(wrong);
    // The app still works with what the vault holds.
    await expectOk(
      await admin.request('GET', `${base}/installations/ANDROID:demo-fcm-registration-token-carol`),
    );
    const listed = await expectOk<{ appId: string }[]>(
      await admin.request('GET', '/team/api/apps'),
    );
    const demo = listed.find((a) => a.appId === fx.app.appId)!;
    expect(Object.keys(demo).sort()).toEqual([
      'addedAt',
      'addedBy',
      'appId',
      'baseUrl',
      'label',
      'role',
      'site',
      'updatedAt',
    ]);
  });

  it('answers an unreachable Kii with 502 and details.kii, audited', async () => {
    // A port nothing listens on: bound and closed at once.
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    fx.server.app.team.apps.add(
      { ...fx.app, appId: 'offline', site: 'custom', baseUrl: `http://127.0.0.1:${port}/api` },
      'spec',
    );
    const viewer = await fx.signedIn('vic', [{ appId: 'offline', role: 'viewer' }]);
    const error = await expectApiError(
      await viewer.request('GET', '/team/api/apps/offline/installations/some-installation'),
      502,
      'KII_UNREACHABLE',
    );
    expect(error.details).toEqual({ kii: { status: 0, errorCode: 'NETWORK_ERROR' } });
    const row = auditRowsOf(fx, 'vic', 'installation.lookup')[0];
    expect([row.appId, row.status, row.errorCode]).toEqual(['offline', 502, 'NETWORK_ERROR']);
  });
});
