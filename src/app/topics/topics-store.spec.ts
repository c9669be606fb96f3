import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { TEST_APP_URL, signInAsAdmin } from '../../testing/admin-session';
import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { TopicsStore } from './topics-store';

/** Lets the fake SDK's promises settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('TopicsStore', () => {
  let browser: TestBrowser;
  let store: TopicsStore;
  let http: HttpTestingController;
  let notifier: Notifier;

  beforeEach(async () => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({ providers: [...provideTestBrowser(browser), TopicsStore] });
    store = TestBed.inject(TopicsStore);
    http = TestBed.inject(HttpTestingController);
    notifier = TestBed.inject(Notifier);
    spyOn(notifier, 'done');
    spyOn(notifier, 'failed');
    await signInAsAdmin();
  });
  afterEach(() => http.verify());

  function answerAlice(): void {
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'user-alice-id', loginName: 'alice' });
  }

  describe('loading', () => {
    it('opens the app scope and pages through paginationKey', async () => {
      browser.sdk.topics.pageSize = 2;
      browser.sdk.topics.add('app', 'a', 'b', 'c');
      store.open({ kind: 'app' });
      expect(store.loading()).toBe('first');
      await settle();
      expect(store.scopeLabel()).toBe('App scope');
      expect(store.names()).toEqual(['a', 'b']);
      expect(store.hasMore()).toBeTrue();

      store.loadMore();
      expect(store.loading()).toBe('more');
      await settle();
      expect(store.names()).toEqual(['a', 'b', 'c']);
      expect(store.hasMore()).toBeFalse();
      expect(browser.sdk.calls).toContain('listTopics app b');
    });

    it("opens a user's scope by login name", async () => {
      browser.sdk.topics.add('users/user-alice-id', 'inbox');
      store.open({ kind: 'user', by: 'name', value: 'alice' });
      answerAlice();
      await settle();
      expect(store.scopeLabel()).toBe('User alice');
      expect(store.names()).toEqual(['inbox']);
    });

    it('keeps a failed load inline and retries it', async () => {
      browser.sdk.reachable = false;
      store.open({ kind: 'app' });
      await settle();
      expect(store.loadError()).toEqual(jasmine.objectContaining<KiiError>({ kind: 'network' }));
      expect(store.scope()).toBeNull();

      browser.sdk.reachable = true;
      browser.sdk.topics.add('app', 'news');
      store.retry();
      await settle();
      expect(store.loadError()).toBeNull();
      expect(store.names()).toEqual(['news']);
    });

    it('fails inline when the owner does not exist', async () => {
      store.open({ kind: 'thing', by: 'name', value: 'nope' });
      http
        .expectOne(`${TEST_APP_URL}/things/VENDOR_THING_ID:nope`)
        .flush(
          { errorCode: 'THING_NOT_FOUND', message: 'no' },
          { status: 404, statusText: 'Not Found' },
        );
      await settle();
      expect(store.loadError()?.errorCode).toBe('THING_NOT_FOUND');
      expect(store.names()).toEqual([]);
    });
  });

  describe('topics', () => {
    beforeEach(async () => {
      browser.sdk.topics.add('app', 'b');
      store.open({ kind: 'app' });
      await settle();
    });

    it('creates a topic, lists it in order and confirms', async () => {
      store.create('a');
      expect(store.pending().has('create')).toBeTrue();
      await settle();
      expect(store.pending().has('create')).toBeFalse();
      expect(store.names()).toEqual(['a', 'b']);
      expect(notifier.done).toHaveBeenCalledWith('Topic a created.');
    });

    it('reports a refused creation with its errorCode and lists nothing new', async () => {
      store.create('b');
      await settle();
      expect(notifier.failed).toHaveBeenCalledWith(
        'Creating topic b',
        jasmine.objectContaining<KiiError>({ errorCode: 'TOPIC_ALREADY_EXISTS' }),
      );
      expect(store.names()).toEqual(['b']);
    });

    it('deletes a topic and drops it from the list', async () => {
      store.remove('b');
      expect(store.pending().has('delete:b')).toBeTrue();
      await settle();
      expect(store.names()).toEqual([]);
      expect(notifier.done).toHaveBeenCalledWith('Topic b deleted.');
    });

    it('reports a failed deletion and keeps the topic listed', async () => {
      browser.sdk.reachable = false;
      store.remove('b');
      await settle();
      expect(notifier.failed).toHaveBeenCalledWith(
        'Deleting topic b',
        jasmine.objectContaining<KiiError>({ kind: 'network' }),
      );
      expect(store.names()).toEqual(['b']);
    });
  });

  describe('subscriptions', () => {
    beforeEach(async () => {
      browser.sdk.topics.add('app', 'news');
      store.open({ kind: 'app' });
      await settle();
    });

    it('subscribes, checks and unsubscribes a user named by login name', async () => {
      store.changeSubscription('subscribe', 'news', { kind: 'user', by: 'name', value: 'alice' });
      expect(store.pending().has('subscription')).toBeTrue();
      answerAlice();
      await settle();
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual(['users/user-alice-id']);
      expect(store.subscription()?.subscribed).toBeTrue();
      expect(notifier.done).toHaveBeenCalledWith('Subscribed user alice to news.');

      store.changeSubscription('check', 'news', { kind: 'user', by: 'id', value: 'user-alice-id' });
      http
        .expectOne(`${TEST_APP_URL}/users/user-alice-id`)
        .flush({ userID: 'user-alice-id', loginName: 'alice' });
      await settle();
      expect(store.subscription()).toEqual({
        topic: { scope: { kind: 'app' }, name: 'news' },
        subscriber: { kind: 'user', id: 'user-alice-id', name: 'alice' },
        subscribed: true,
      });

      store.changeSubscription('unsubscribe', 'news', { kind: 'user', by: 'name', value: 'alice' });
      answerAlice();
      await settle();
      expect(store.subscription()?.subscribed).toBeFalse();
      expect(notifier.done).toHaveBeenCalledWith('Unsubscribed user alice from news.');
    });

    it('reports a failed subscription change and keeps the last known state', async () => {
      store.changeSubscription('unsubscribe', 'news', { kind: 'user', by: 'name', value: 'alice' });
      answerAlice();
      await settle();
      expect(notifier.failed).toHaveBeenCalledWith(
        'Unsubscribing from news',
        jasmine.objectContaining<KiiError>({ errorCode: 'PUSH_SUBSCRIPTION_NOT_FOUND' }),
      );
      expect(store.subscription()).toBeNull();
      expect(store.pending().size).toBe(0);
    });

    it('forgets the subscription state of a deleted topic', async () => {
      store.changeSubscription('check', 'news', { kind: 'user', by: 'name', value: 'alice' });
      answerAlice();
      await settle();
      expect(store.subscription()?.subscribed).toBeFalse();
      store.remove('news');
      await settle();
      expect(store.subscription()).toBeNull();
    });
  });
});
