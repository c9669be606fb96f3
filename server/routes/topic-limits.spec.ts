import { expectKiiError, kiiRest, topicPath, type KiiRest } from '../testing/kii-rest';
import { startTestServer, type TestServer } from '../testing/test-server';
import type { Scope } from '../repositories/topics';
import { MAX_TOPICS_PER_SCOPE } from './topics';

describe('topics per owner', () => {
  let server: TestServer;
  let rest: KiiRest;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    rest = kiiRest(server);
    admin = await server.adminToken();
  });
  afterAll(() => server.close());

  /** Fills a scope to the limit directly: a thousand PUTs would only slow the suite. */
  function fill(scope: Scope, count: number) {
    const topics = server.app.kii.topics;
    server.app.kii.db.transaction(() => {
      for (let i = 0; i < count; i++) topics.create(scope, `filler-${i}`);
    })();
  }

  async function expectLimitRefused(path: string, token: string, scope: Scope) {
    const body = await expectKiiError(
      await server.api(path, { method: 'PUT', token }),
      403,
      'TOPIC_LIMIT_EXCEEDED',
    );
    expect(body['topicID']).toBe(path.split('/').at(-1));
    expect(server.app.kii.topics.count(scope)).toBe(MAX_TOPICS_PER_SCOPE);
  }

  it('refuses the app topic past the limit and stores nothing, and frees a place on delete', async () => {
    const scope: Scope = { type: 'APP', id: '' };
    fill(scope, MAX_TOPICS_PER_SCOPE - 1);
    await rest.createTopic(admin, topicPath.app(server, 'last-one'));
    await expectLimitRefused(topicPath.app(server, 'one-too-many'), admin, scope);

    const deleted = await server.api(topicPath.app(server, 'last-one'), {
      method: 'DELETE',
      token: admin,
    });
    expect(deleted.status).toBe(204);
    await rest.createTopic(admin, topicPath.app(server, 'one-too-many'));
  });

  it('counts each user and thing scope on its own', async () => {
    const alice = await rest.registerUser('alice');
    const bob = await rest.registerUser('bob');
    const thing = await rest.registerThing('sensor-1');
    const aliceScope: Scope = { type: 'APP_AND_USER', id: alice.id };
    const thingScope: Scope = { type: 'APP_AND_THING', id: thing.id };
    fill(aliceScope, MAX_TOPICS_PER_SCOPE);
    fill(thingScope, MAX_TOPICS_PER_SCOPE);

    await expectLimitRefused(topicPath.user(server, alice.id, 'inbox'), alice.token, aliceScope);
    await expectLimitRefused(topicPath.thing(server, thing.id, 'status'), thing.token, thingScope);
    await rest.createTopic(bob.token, topicPath.user(server, bob.id, 'inbox'));
  });
});
