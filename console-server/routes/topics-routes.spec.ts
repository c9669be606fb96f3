import { registerUser } from '../kii/local-kii-process';
import { auditRowsOf, startKiiTeamFixture, type KiiTeamFixture } from '../testing/kii-team-fixture';
import { expectApiError, expectOk, type TeamClient } from '../testing/test-console-server';

/** Topics and subscriptions through the console server, against the real local Kii server. */
describe('Topic and subscription routes', () => {
  let fx: KiiTeamFixture;
  let viewer: TeamClient;
  let operator: TeamClient;
  let base: string;
  let userID: string;

  beforeAll(async () => {
    fx = await startKiiTeamFixture();
    const roles = (role: 'viewer' | 'operator') => [{ appId: fx.app.appId, role }];
    viewer = await fx.signedIn('topics-viewer', roles('viewer'));
    operator = await fx.signedIn('topics-operator', roles('operator'));
    base = `/team/api/apps/${fx.app.appId}`;
    userID = await registerUser(fx.app, `topics-${Date.now()}`);
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    expect(fx.leaks()).withContext('responses or audit rows holding a secret').toEqual([]);
    await fx.stop();
  });

  const topicIds = async (client: TeamClient, scope: string) => {
    const page = await expectOk<{ topics: { topicID: string }[] }>(
      await client.request('GET', `${base}/topics?scope=${encodeURIComponent(scope)}`),
    );
    return page.topics.map((topic) => topic.topicID);
  };

  it('creates, lists and deletes app and user topics, each change audited', async () => {
    expect(await topicIds(viewer, 'app')).toContain('announcements');
    const created = await operator.request('POST', `${base}/topics`, {
      body: { scope: 'app', topicID: 'routes-news' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ scope: 'app', topicID: 'routes-news' });
    expect(await topicIds(viewer, 'app')).toContain('routes-news');

    const owner = await registerUser(fx.app, `topics-owner-${Date.now()}`);
    const userScope = `user:${owner}`;
    await expectOk(
      await operator.request('POST', `${base}/topics`, {
        body: { scope: userScope, topicID: 'inbox' },
      }),
    );
    expect(await topicIds(viewer, userScope)).toEqual(['inbox']);
    const removed = await operator.request(
      'DELETE',
      `${base}/topics/${encodeURIComponent(userScope)}/inbox`,
    );
    expect(removed.status).toBe(204);
    expect(await topicIds(viewer, userScope)).toEqual([]);

    const [deleteRow] = auditRowsOf(fx, 'topics-operator', 'topic.delete');
    expect(deleteRow.target).toBe(`${userScope}/inbox`);
    expect(deleteRow.status).toBe(204);
    expect(deleteRow.appId).toBe(fx.app.appId);
    const [createRow] = auditRowsOf(fx, 'topics-operator', 'topic.create');
    expect(createRow.target).toBe(`${userScope}/inbox`);
    expect(createRow.status).toBe(201);
  });

  it("relays Kii's refusals with details.kii, and audits the failed change", async () => {
    const again = await expectApiError(
      await operator.request('POST', `${base}/topics`, {
        body: { scope: 'app', topicID: 'announcements' },
      }),
      409,
      'KII_REFUSED',
    );
    expect(again.details).toEqual({ kii: { status: 409, errorCode: 'TOPIC_ALREADY_EXISTS' } });
    const [failed] = auditRowsOf(fx, 'topics-operator', 'topic.create');
    expect(failed.status).toBe(409);
    expect(failed.errorCode).toBe('TOPIC_ALREADY_EXISTS');

    const missing = await expectApiError(
      await operator.request('DELETE', `${base}/topics/app/no-such-topic`),
      404,
      'KII_NOT_FOUND',
    );
    expect(missing.details).toEqual({ kii: { status: 404, errorCode: 'TOPIC_NOT_FOUND' } });
    const noUser = await expectApiError(
      await viewer.request('GET', `${base}/topics?scope=user:no-such-user`),
      404,
      'KII_NOT_FOUND',
    );
    expect(noUser.details).toEqual({ kii: { status: 404, errorCode: 'USER_NOT_FOUND' } });
  });

  it('refuses malformed scopes, topic IDs and subscribers before calling Kii', async () => {
    const bad = [
      operator.request('POST', `${base}/topics`, { body: { scope: 'group:g1', topicID: 'x' } }),
      operator.request('POST', `${base}/topics`, { body: { scope: 'app', topicID: 'a b' } }),
      operator.request('POST', `${base}/topics`, { body: { scope: 'user:a b', topicID: 'x' } }),
      operator.request('POST', `${base}/topics`, {
        body: { scope: 'app', topicID: 'x', extra: 1 },
      }),
      viewer.request('GET', `${base}/topics?scope=everything`),
      viewer.request('GET', `${base}/topics/app/announcements/subscriptions/group:g`),
      viewer.request('GET', `${base}/topics/app/${'t'.repeat(65)}/subscriptions/user:u`),
    ];
    for (const response of await Promise.all(bad)) {
      await expectApiError(response, 400, 'INVALID_INPUT');
    }
  });

  it('checks, subscribes and unsubscribes a user; a repeat subscribe is not an error', async () => {
    const path = `${base}/topics/app/announcements/subscriptions/user:${userID}`;
    const check = async () =>
      (await expectOk<{ subscribed: boolean }>(await viewer.request('GET', path))).subscribed;
    expect(await check()).toBeFalse();
    expect(await expectOk(await operator.request('PUT', path))).toEqual({
      subscribed: true,
      already: false,
    });
    expect(await check()).toBeTrue();
    expect(await expectOk(await operator.request('PUT', path))).toEqual({
      subscribed: true,
      already: true,
    });
    expect((await operator.request('DELETE', path)).status).toBe(204);
    expect(await check()).toBeFalse();
    const gone = await expectApiError(await operator.request('DELETE', path), 404, 'KII_NOT_FOUND');
    expect(gone.details).toEqual({
      kii: { status: 404, errorCode: 'PUSH_SUBSCRIPTION_NOT_FOUND' },
    });
    const rows = auditRowsOf(fx, 'topics-operator')
      .filter((row) => row.action.startsWith('subscription.'))
      .slice(0, 4);
    expect(rows.map((row) => `${row.action} ${row.status} ${row.errorCode ?? ''}`)).toEqual([
      'subscription.unsubscribe 404 PUSH_SUBSCRIPTION_NOT_FOUND',
      'subscription.unsubscribe 204 ',
      'subscription.subscribe 200 ',
      'subscription.subscribe 200 ',
    ]);
    expect(rows[0].target).toBe(`app/announcements <- user:${userID}`);
    expect(JSON.parse(rows[2].detailsJson)).toEqual({ already: true });
  });

  it("answers Kii's refusal of a subscriber outside its scope as KII_DENIED", async () => {
    const other = await registerUser(fx.app, `topics-other-${Date.now()}`);
    await expectOk(
      await operator.request('POST', `${base}/topics`, {
        body: { scope: `user:${userID}`, topicID: 'private' },
      }),
    );
    const refused = await expectApiError(
      await operator.request(
        'PUT',
        `${base}/topics/user:${userID}/private/subscriptions/user:${other}`,
      ),
      502,
      'KII_DENIED',
    );
    expect(refused.details).toEqual({ kii: { status: 401, errorCode: 'UNAUTHORIZED' } });
  });
});
