import { expectKiiError, expectOk, kiiRest, topicPath, type KiiRest } from '../testing/kii-rest';
import { mqttJsReceiver } from '../testing/mqtt-clients';
import { startTestServer, type TestServer } from '../testing/test-server';

describe('principals named by alias', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;
  let news: string;

  beforeEach(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
    news = topicPath.app(server, 'news');
    await rest.createTopic(admin, news);
  });
  afterEach(() => server.close());

  const subscription = (topic: string, tail: string) => `${topic}/push/subscriptions/${tail}`;

  function storedSubscriberIds(): string[] {
    return server.app.kii.db
      .prepare('SELECT subscriber_id FROM subscriptions ORDER BY subscriber_id')
      .pluck()
      .all() as string[];
  }

  it('subscribes a user named by LOGIN_NAME: under her ID, so she gets the pushes', async () => {
    const alice = await rest.registerUser('alice');
    const receiver = await mqttJsReceiver(await rest.mqttEndpointFor(alice.token), 'tcp');
    try {
      await expectOk(
        await server.api(subscription(news, 'users/LOGIN_NAME:alice'), {
          method: 'PUT',
          token: admin,
        }),
        204,
      );
      expect(storedSubscriberIds()).toEqual([alice.id]);
      await expectOk(
        await server.api(subscription(news, `users/${alice.id}`), { token: admin }),
        204,
      );
      await expectKiiError(
        await server.api(subscription(news, `users/${alice.id}`), { method: 'PUT', token: admin }),
        409,
        'PUSH_SUBSCRIPTION_ALREADY_EXISTS',
      );

      await rest.send(admin, news, { data: { text: 'hello alice' } });
      expect((await receiver.next())['text']).toBe('hello alice');
    } finally {
      await receiver.close();
    }
  });

  it('checks and unsubscribes by alias, and lets a user name herself by alias', async () => {
    const alice = await rest.registerUser('alice');
    await expectOk(
      await server.api(subscription(news, 'users/LOGIN_NAME:alice'), {
        method: 'PUT',
        token: alice.token,
      }),
      204,
    );
    expect(storedSubscriberIds()).toEqual([alice.id]);
    await expectOk(
      await server.api(subscription(news, 'users/LOGIN_NAME:alice'), { token: alice.token }),
      204,
    );
    await expectOk(
      await server.api(subscription(news, 'users/LOGIN_NAME:alice'), {
        method: 'DELETE',
        token: alice.token,
      }),
      204,
    );
    expect(storedSubscriberIds()).toEqual([]);
  });

  it('subscribes a thing named by VENDOR_THING_ID: under its ID, and it gets the pushes', async () => {
    const thing = await rest.registerThing('sensor-1');
    const receiver = await mqttJsReceiver(await rest.mqttEndpointFor(thing.token), 'tcp');
    try {
      await expectOk(
        await server.api(subscription(news, 'things/VENDOR_THING_ID:sensor-1'), {
          method: 'PUT',
          token: admin,
        }),
        204,
      );
      expect(storedSubscriberIds()).toEqual([thing.id]);
      await expectOk(
        await server.api(subscription(news, `things/${thing.id}`), { token: thing.token }),
        204,
      );
      await rest.send(admin, news, { data: { text: 'hello sensor' } });
      expect((await receiver.next())['text']).toBe('hello sensor');
    } finally {
      await receiver.close();
    }
  });

  it('drops subscriptions made by alias when the user or thing is deleted', async () => {
    const alice = await rest.registerUser('alice');
    const thing = await rest.registerThing('sensor-2');
    await expectOk(
      await server.api(subscription(news, 'users/LOGIN_NAME:alice'), {
        method: 'PUT',
        token: admin,
      }),
      204,
    );
    await expectOk(
      await server.api(subscription(news, 'things/VENDOR_THING_ID:sensor-2'), {
        method: 'PUT',
        token: admin,
      }),
      204,
    );
    await expectOk(
      await server.api(`${rest.app}/users/${alice.id}`, { method: 'DELETE', token: admin }),
      204,
    );
    await expectOk(
      await server.api(`${rest.app}/things/${thing.id}`, { method: 'DELETE', token: admin }),
      204,
    );
    expect(storedSubscriberIds()).toEqual([]);
  });

  it('drops alias rows an earlier version stored verbatim when the user is deleted', async () => {
    const alice = await rest.registerUser('alice');
    server.app.kii.db
      .prepare(
        `INSERT INTO subscriptions (scope_type, scope_id, topic_id, subscriber_type,
          subscriber_id, created_at) VALUES ('APP', '', 'news', 'user', 'LOGIN_NAME:alice', 0)`,
      )
      .run();
    await expectOk(
      await server.api(`${rest.app}/users/${alice.id}`, { method: 'DELETE', token: admin }),
      204,
    );
    expect(storedSubscriberIds()).toEqual([]);
  });

  it('answers an unknown alias with the Kii 404 naming the field', async () => {
    for (const [tail, code, field, value] of [
      ['users/LOGIN_NAME:nobody', 'USER_NOT_FOUND', 'loginName', 'nobody'],
      ['users/EMAIL:nobody@example.com', 'USER_NOT_FOUND', 'emailAddress', 'nobody@example.com'],
      ['users/PHONE:+819012345678', 'USER_NOT_FOUND', 'phoneNumber', '+819012345678'],
      ['things/VENDOR_THING_ID:nothing', 'THING_NOT_FOUND', 'vendorThingID', 'nothing'],
    ] as const) {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const body = await expectKiiError(
          await server.api(subscription(news, tail), { method, token: admin }),
          404,
          code,
        );
        expect([body['field'], body['value']]).toEqual([field, value]);
      }
    }
    expect(storedSubscriberIds()).toEqual([]);
  });

  it('resolves EMAIL: and PHONE: too, and aliases in the topic scope path', async () => {
    await expectOk(
      await server.api(`${rest.app}/users`, {
        body: { emailAddress: 'dave@example.com', phoneNumber: '+819011112222', password: 'pass1' },
      }),
      201,
    );
    const dave = await rest.login('EMAIL:dave@example.com', 'pass1');
    for (const alias of ['EMAIL:dave@example.com', 'PHONE:+819011112222']) {
      await expectOk(
        await server.api(subscription(news, `users/${alias}`), { method: 'PUT', token: admin }),
        204,
      );
      expect(storedSubscriberIds()).toEqual([dave.id]);
      await expectOk(
        await server.api(subscription(news, `users/${dave.id}`), {
          method: 'DELETE',
          token: admin,
        }),
        204,
      );
    }

    const inbox = topicPath.user(server, 'EMAIL:dave@example.com', 'inbox');
    await rest.createTopic(dave.token, inbox);
    await expectOk(
      await server.api(subscription(inbox, 'users/PHONE:+819011112222'), {
        method: 'PUT',
        token: dave.token,
      }),
      204,
    );
    await expectOk(
      await server.api(subscription(topicPath.user(server, dave.id, 'inbox'), `users/${dave.id}`), {
        token: dave.token,
      }),
      204,
    );
  });
});
