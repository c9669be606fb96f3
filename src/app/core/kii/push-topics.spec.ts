import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { signInAsAdmin, signInAsUser } from '../../../testing/admin-session';
import {
  TestBrowser,
  createTestBrowser,
  provideTestBrowser,
} from '../../../testing/test-providers';
import { KiiError } from '../kii-error';
import { ResolvedPrincipal } from '../principal-lookup';
import { PushTopics } from './push-topics';
import { APP_SCOPE, TopicRef, TopicScope } from './topic-scope';

const ALICE: ResolvedPrincipal = { kind: 'user', id: 'user-alice-id', name: 'alice' };
const SENSOR: ResolvedPrincipal = { kind: 'thing', id: 'th.sensor-1-id', name: 'sensor-1' };
const NEWS: TopicRef = { scope: APP_SCOPE, name: 'news' };

describe('PushTopics', () => {
  let browser: TestBrowser;
  let topics: PushTopics;

  beforeEach(() => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    topics = TestBed.inject(PushTopics);
  });

  const error = (fields: Partial<KiiError>) => jasmine.objectContaining<KiiError>(fields);

  describe('as the app admin', () => {
    beforeEach(() => signInAsAdmin());

    it('lists app topics page by page', async () => {
      browser.sdk.topics.pageSize = 2;
      browser.sdk.topics.add('app', 'a', 'b', 'c');
      expect(await firstValueFrom(topics.list$(APP_SCOPE))).toEqual({
        names: ['a', 'b'],
        nextKey: 'b',
      });
      expect(await firstValueFrom(topics.list$(APP_SCOPE, 'b'))).toEqual({
        names: ['c'],
        nextKey: null,
      });
    });

    it("lists a user's and a thing's topics", async () => {
      browser.sdk.topics.add('users/user-alice-id', 'inbox');
      browser.sdk.topics.add('things/th.sensor-1-id', 'commands');
      const user: TopicScope = { kind: 'user', owner: ALICE };
      const thing: TopicScope = { kind: 'thing', owner: SENSOR };
      expect((await firstValueFrom(topics.list$(user))).names).toEqual(['inbox']);
      expect((await firstValueFrom(topics.list$(thing))).names).toEqual(['commands']);
    });

    it('fails listing the topics of a user that does not exist', async () => {
      const ghost: TopicScope = {
        kind: 'user',
        owner: { kind: 'user', id: 'ghost', name: 'ghost' },
      };
      await expectAsync(firstValueFrom(topics.list$(ghost))).toBeRejectedWith(
        error({ kind: 'not-found', errorCode: 'USER_NOT_FOUND', status: 404 }),
      );
    });

    it('creates a topic, and refuses one that exists', async () => {
      await firstValueFrom(topics.create$(NEWS));
      expect(browser.sdk.topics.names('app')).toEqual(['news']);
      await expectAsync(firstValueFrom(topics.create$(NEWS))).toBeRejectedWith(
        error({ kind: 'conflict', errorCode: 'TOPIC_ALREADY_EXISTS', status: 409 }),
      );
    });

    it("refuses a topic name outside Kii's rule before asking the SDK", async () => {
      for (const name of ['', 'with space', 'x'.repeat(65)]) {
        await expectAsync(
          firstValueFrom(topics.create$({ scope: APP_SCOPE, name })),
        ).toBeRejectedWith(error({ kind: 'invalid' }));
      }
      expect(browser.sdk.calls.filter((call) => call.startsWith('save'))).toEqual([]);
    });

    it('deletes a topic, and says when it is already gone', async () => {
      browser.sdk.topics.add('app', 'news');
      await firstValueFrom(topics.delete$(NEWS));
      expect(browser.sdk.topics.names('app')).toEqual([]);
      await expectAsync(firstValueFrom(topics.delete$(NEWS))).toBeRejectedWith(
        error({ kind: 'not-found', errorCode: 'TOPIC_NOT_FOUND' }),
      );
    });

    it('subscribes, checks and unsubscribes a user', async () => {
      browser.sdk.topics.add('app', 'news');
      expect(await firstValueFrom(topics.isSubscribed$(NEWS, ALICE))).toBeFalse();
      await firstValueFrom(topics.subscribe$(NEWS, ALICE));
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual(['users/user-alice-id']);
      expect(await firstValueFrom(topics.isSubscribed$(NEWS, ALICE))).toBeTrue();
      await firstValueFrom(topics.unsubscribe$(NEWS, ALICE));
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual([]);
    });

    it('subscribes a thing to its own topic', async () => {
      const commands: TopicRef = { scope: { kind: 'thing', owner: SENSOR }, name: 'commands' };
      browser.sdk.topics.add('things/th.sensor-1-id', 'commands');
      await firstValueFrom(topics.subscribe$(commands, SENSOR));
      expect(await firstValueFrom(topics.isSubscribed$(commands, SENSOR))).toBeTrue();
    });

    it('fails to subscribe twice, to unsubscribe a non-subscriber, and to check a missing topic', async () => {
      browser.sdk.topics.subscribe('app', 'news', 'users/user-alice-id');
      await expectAsync(firstValueFrom(topics.subscribe$(NEWS, ALICE))).toBeRejectedWith(
        error({ kind: 'conflict', errorCode: 'PUSH_SUBSCRIPTION_ALREADY_EXISTS' }),
      );
      await expectAsync(firstValueFrom(topics.unsubscribe$(NEWS, SENSOR))).toBeRejectedWith(
        error({ kind: 'not-found', errorCode: 'PUSH_SUBSCRIPTION_NOT_FOUND' }),
      );
      const missing = { scope: APP_SCOPE, name: 'missing' };
      await expectAsync(firstValueFrom(topics.isSubscribed$(missing, ALICE))).toBeRejectedWith(
        error({ kind: 'not-found', errorCode: 'TOPIC_NOT_FOUND' }),
      );
    });

    it('reports an unreachable server as a network error', async () => {
      browser.sdk.reachable = false;
      await expectAsync(firstValueFrom(topics.list$(APP_SCOPE))).toBeRejectedWith(
        error({ kind: 'network', status: 0 }),
      );
    });
  });

  it('refuses a session that is not the app admin', async () => {
    await signInAsUser();
    await expectAsync(firstValueFrom(topics.list$(APP_SCOPE))).toBeRejectedWith(
      error({ kind: 'forbidden' }),
    );
    expect(browser.sdk.calls.some((call) => call.startsWith('listTopics'))).toBeFalse();
  });

  it('refuses when nobody is signed in', async () => {
    await expectAsync(firstValueFrom(topics.create$(NEWS))).toBeRejectedWith(
      error({ kind: 'auth' }),
    );
  });
});
