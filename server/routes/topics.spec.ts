import { loadKiiSdk } from '../testing/kii-sdk';
import {
  expectKiiError,
  expectOk,
  kiiRest,
  topicPath,
  type KiiRest,
  type Principal,
} from '../testing/kii-rest';
import { mqttJsReceiver, type PushReceiver } from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

/** Topics in app, user and thing scope, subscriptions, and sending (docs/kii-api.md §6, §7). */
describe('topics and subscriptions', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  let alice: Principal;
  let bob: Principal;
  const receivers: PushReceiver[] = [];

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
    [alice, bob] = await Promise.all([rest.registerUser('alice'), rest.registerUser('bob')]);
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await server.close();
  });

  async function receiverFor(token: string, development = false) {
    const receiver = await mqttJsReceiver(await rest.mqttEndpointFor(token, development), 'tcp');
    receivers.push(receiver);
    return receiver;
  }

  async function deliveries() {
    const body = await expectOk<{ deliveries: { target: string; recipients: number }[] }>(
      await server.api(`/x-local/v1${rest.app}/deliveries`, { token: admin }),
    );
    return body.deliveries;
  }

  it('creates, checks, and deletes an app topic, with 409 and 404 where Kii has them', async () => {
    const news = topicPath.app(server, 'news');
    await expectKiiError(
      await server.api(news, { method: 'PUT', token: alice.token }),
      401,
      'UNAUTHORIZED',
    );
    await expectKiiError(await server.api(news, { token: alice.token }), 404, 'TOPIC_NOT_FOUND');

    await rest.createTopic(admin, news);
    const conflict = await expectKiiError(
      await server.api(news, { method: 'PUT', token: admin }),
      409,
      'TOPIC_ALREADY_EXISTS',
    );
    expect(conflict.topicID).toBe('news');
    expect(conflict.objectScope).toEqual({ appID: server.config.appId, type: 'APP' });
    expect((await server.api(news, { method: 'HEAD', token: alice.token })).status).toBe(204);
    expect((await server.api(news, { token: bob.token })).status).toBe(204);
    await expectKiiError(
      await server.api(news, { method: 'DELETE', token: alice.token }),
      401,
      'UNAUTHORIZED',
    );
    expect((await server.api(news, { method: 'HEAD', token: alice.token })).status).toBe(204);

    expect((await server.api(news, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await server.api(news, { method: 'HEAD', token: alice.token })).status).toBe(404);
    const gone = await expectKiiError(
      await server.api(news, { token: alice.token }),
      404,
      'TOPIC_NOT_FOUND',
    );
    expect(gone.topicID).toBe('news');
    await expectKiiError(
      await server.api(news, { method: 'DELETE', token: admin }),
      404,
      'TOPIC_NOT_FOUND',
    );
    // Kii's topic ID rule: [A-Za-z0-9_-], at most 64 characters.
    await expectKiiError(
      await server.api(topicPath.app(server, 'a.b'), { method: 'PUT', token: admin }),
      400,
      'INVALID_INPUT_DATA',
    );
    await expectKiiError(
      await server.api(topicPath.app(server, 'x'.repeat(65)), { method: 'PUT', token: admin }),
      400,
      'INVALID_INPUT_DATA',
    );
  });

  it('lists app topics in pages of 50 that the SDK follows by paginationKey', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `t-${String(i).padStart(3, '0')}`);
    for (const name of names) await rest.createTopic(admin, topicPath.app(server, name));

    const sdk = loadKiiSdk(server);
    const context = await sdk.Kii.authenticateAsAppAdmin(
      server.config.clientId,
      server.config.clientSecret,
    );
    const pages: string[][] = [];
    let key: string | null = null;
    do {
      const [topics, next] = (await (
        context.listTopics as (
          callbacks?: unknown,
          key?: string | null,
        ) => Promise<[KiiCloud.KiiTopic[], string | null]>
      )(undefined, key)) as [KiiCloud.KiiTopic[], string | null];
      pages.push(topics.map((topic) => topic.getName()));
      key = next;
    } while (key !== null && pages.length < 10);

    expect(pages.map((page) => page.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(names);
    // A user sees the same app topics.
    const firstPage = await expectOk<{ topics: { topicID: string }[]; paginationKey?: string }>(
      await server.api(`${rest.app}/topics`, { token: alice.token }),
    );
    expect(firstPage.topics.length).toBe(50);
    expect(typeof firstPage.paginationKey).toBe('string');
  });

  it('lets a user own topics in their scope: only they create, list, subscribe; pushes carry the user scope', async () => {
    const inbox = topicPath.user(server, alice.id, 'inbox');
    await expectKiiError(
      await server.api(inbox, { method: 'PUT', token: bob.token }),
      401,
      'UNAUTHORIZED',
    );
    await rest.createTopic(alice.token, inbox);
    // The same name in another scope is another topic.
    await rest.createTopic(bob.token, topicPath.user(server, bob.id, 'inbox'));
    await expectKiiError(
      await server.api(topicPath.app(server, 'inbox'), { token: alice.token }),
      404,
      'TOPIC_NOT_FOUND',
    );

    const list = await expectOk<{ topics: unknown[] }>(
      await server.api(`${rest.app}/users/${alice.id}/topics`, { token: alice.token }),
    );
    expect(list.topics).toEqual([{ topicID: 'inbox' }]);
    await expectKiiError(
      await server.api(`${rest.app}/users/${alice.id}/topics`, { token: bob.token }),
      401,
      'UNAUTHORIZED',
    );
    await expectKiiError(
      await server.api(`${inbox}/push/subscriptions/users/${bob.id}`, {
        method: 'PUT',
        token: bob.token,
      }),
      401,
      'UNAUTHORIZED',
    );
    await expectKiiError(
      await server.api(topicPath.user(server, 'no-such-user', 'inbox'), {
        method: 'PUT',
        token: admin,
      }),
      404,
      'USER_NOT_FOUND',
    );

    const receiver = await receiverFor(alice.token);
    await rest.subscribe(alice.token, inbox, { userID: alice.id });
    await rest.send(alice.token, inbox, { data: { note: 'mine' } });
    expect(await receiver.next()).toEqual(
      jasmine.objectContaining({
        note: 'mine',
        sender: alice.id,
        objectScopeType: 'APP_AND_USER',
        objectScopeUserID: alice.id,
        sourceURI: `kiicloud://users/${alice.id}/topics/inbox`,
      }),
    );
    await expectKiiError(
      await server.api(`${inbox}/push/messages`, {
        token: bob.token,
        body: { data: { spoof: 'yes' } },
      }),
      401,
      'UNAUTHORIZED',
    );
    expect(receiver.received.length).toBe(1);
  });

  it('lets a thing own topics in its scope and subscribe itself with the POST form', async () => {
    const thing = await rest.registerThing('thermostat-1');
    const other = await rest.registerThing('thermostat-2');
    const status = topicPath.thing(server, thing.id, 'status');
    await expectKiiError(
      await server.api(status, { method: 'PUT', token: other.token }),
      401,
      'UNAUTHORIZED',
    );
    await rest.createTopic(thing.token, status);
    expect(
      (
        await server.api(topicPath.thing(server, 'VENDOR_THING_ID:thermostat-1', 'status'), {
          method: 'HEAD',
          token: thing.token,
        })
      ).status,
    ).toBe(204);

    const receiver = await receiverFor(thing.token);
    await expectKiiError(
      await server.api(`${status}/push/subscriptions/things`, {
        method: 'POST',
        token: other.token,
      }),
      401,
      'UNAUTHORIZED',
    );
    expect(
      (
        await server.api(`${status}/push/subscriptions/things`, {
          method: 'POST',
          token: thing.token,
        })
      ).status,
    ).toBe(204);
    await expectKiiError(
      await server.api(`${status}/push/subscriptions/things`, {
        method: 'POST',
        token: thing.token,
      }),
      409,
      'PUSH_SUBSCRIPTION_ALREADY_EXISTS',
    );
    await rest.send(admin, status, { data: { setpoint: 21 } });
    expect(await receiver.next()).toEqual({
      setpoint: 21,
      senderURI: 'kiicloud://admins/APP_ADMIN',
      topic: 'status',
      objectScopeAppID: server.config.appId,
      objectScopeType: 'APP_AND_THING',
      objectScopeThingID: thing.id,
      sourceURI: `kiicloud://things/${thing.id}/topics/status`,
      when: jasmine.any(Number),
    });
  });

  it('subscribes with PUT and POST, checks with GET, unsubscribes with DELETE, with 409 and 404 answers', async () => {
    const news = topicPath.app(server, 'news');
    const aliceSubscription = `${news}/push/subscriptions/users/${alice.id}`;
    await expectKiiError(
      await server.api(aliceSubscription, { method: 'PUT', token: alice.token }),
      404,
      'TOPIC_NOT_FOUND',
    );
    await rest.createTopic(admin, news);

    expect(
      (await server.api(`${news}/push/subscriptions/users`, { method: 'POST', token: alice.token }))
        .status,
    ).toBe(204);
    expect((await server.api(aliceSubscription, { token: alice.token })).status).toBe(204);
    const duplicate = await expectKiiError(
      await server.api(aliceSubscription, { method: 'PUT', token: alice.token }),
      409,
      'PUSH_SUBSCRIPTION_ALREADY_EXISTS',
    );
    expect(duplicate.topicID).toBe('news');

    // Only oneself, or the admin for anyone.
    await expectKiiError(
      await server.api(`${news}/push/subscriptions/users/${bob.id}`, {
        method: 'PUT',
        token: alice.token,
      }),
      401,
      'UNAUTHORIZED',
    );
    await expectKiiError(
      await server.api(`${news}/push/subscriptions/users/${bob.id}`, { token: admin }),
      404,
      'PUSH_SUBSCRIPTION_NOT_FOUND',
    );
    expect(
      (
        await server.api(`${news}/push/subscriptions/users/${bob.id}`, {
          method: 'PUT',
          token: admin,
        })
      ).status,
    ).toBe(204);
    expect(
      (await server.api(`${news}/push/subscriptions/users/${bob.id}`, { token: bob.token })).status,
    ).toBe(204);
    await expectKiiError(
      await server.api(`${news}/push/subscriptions/users/no-such-user`, {
        method: 'PUT',
        token: admin,
      }),
      404,
      'USER_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(`${news}/push/subscriptions/users/${alice.id}`, {
        method: 'DELETE',
        token: bob.token,
      }),
      401,
      'UNAUTHORIZED',
    );

    expect(
      (await server.api(aliceSubscription, { method: 'DELETE', token: alice.token })).status,
    ).toBe(204);
    await expectKiiError(
      await server.api(aliceSubscription, { token: alice.token }),
      404,
      'PUSH_SUBSCRIPTION_NOT_FOUND',
    );
    await expectKiiError(
      await server.api(aliceSubscription, { method: 'DELETE', token: alice.token }),
      404,
      'PUSH_SUBSCRIPTION_NOT_FOUND',
    );
    expect(
      (await server.api(`${news}/push/subscriptions/users/${bob.id}`, { token: bob.token })).status,
    ).toBe(204);
  });

  it('refuses sending to a missing topic (404) and by a user to an app topic (401), delivering nothing', async () => {
    await expectKiiError(
      await server.api(`${topicPath.app(server, 'nowhere')}/push/messages`, {
        token: admin,
        body: { data: {} },
      }),
      404,
      'TOPIC_NOT_FOUND',
    );
    await rest.createTopic(admin, topicPath.app(server, 'news'));
    await rest.subscribe(admin, topicPath.app(server, 'news'), { userID: alice.id });
    await expectKiiError(
      await server.api(`${topicPath.app(server, 'news')}/push/messages`, {
        token: alice.token,
        body: { data: {} },
      }),
      401,
      'UNAUTHORIZED',
    );
    expect(await deliveries()).toEqual([]);
  });

  it('delivers by environment: sendToDevelopment false skips development installations, sendToProduction false production ones', async () => {
    const news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
    await rest.subscribe(admin, news, { userID: alice.id });
    await rest.subscribe(admin, news, { userID: bob.id });
    const development = await receiverFor(alice.token, true);
    const production = await receiverFor(bob.token, false);

    await rest.send(admin, news, { data: { n: 1 }, sendToDevelopment: false });
    await rest.send(admin, news, { data: { n: 2 }, sendToProduction: false });
    await rest.send(admin, news, { data: { n: 3 } });
    await Promise.all([
      development.next(),
      development.next(),
      production.next(),
      production.next(),
    ]);
    expect(development.received.map((push) => push.n)).toEqual([2, 3]);
    expect(production.received.map((push) => push.n)).toEqual([1, 3]);
    expect((await deliveries()).map((delivery) => delivery.recipients)).toEqual([2, 1, 1]);
  });

  it('drops the subscriptions of a deleted topic', async () => {
    const news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
    await rest.subscribe(admin, news, { userID: alice.id });
    expect((await server.api(news, { method: 'DELETE', token: admin })).status).toBe(204);
    await rest.createTopic(admin, news);
    await expectKiiError(
      await server.api(`${news}/push/subscriptions/users/${alice.id}`, { token: alice.token }),
      404,
      'PUSH_SUBSCRIPTION_NOT_FOUND',
    );
  });
});
