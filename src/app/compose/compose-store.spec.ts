import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { TEST_APP_URL, signInAsAdmin } from '../../testing/admin-session';
import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { DEFAULT_DRAFT, PushDraft } from './compose-draft';
import { COMPOSE_DRAFT_STORAGE_KEY, ComposeStore } from './compose-store';
import { RecentSends } from './recent-sends';

const settle = () => new Promise((resolve) => setTimeout(resolve));

function draft(changes: Partial<PushDraft> = {}): PushDraft {
  return {
    ...DEFAULT_DRAFT,
    target: { kind: 'app-topic', by: 'name', owner: '', topic: 'news' },
    data: { mode: 'rows', rows: [{ key: 'message', value: 'hello', type: 'string' }], json: '' },
    ...changes,
  };
}

describe('ComposeStore', () => {
  let browser: TestBrowser;
  let store: ComposeStore;
  let http: HttpTestingController;
  let notifier: Notifier;

  function create(): void {
    store = TestBed.inject(ComposeStore);
  }

  beforeEach(async () => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    http = TestBed.inject(HttpTestingController);
    notifier = TestBed.inject(Notifier);
    spyOn(notifier, 'done');
    spyOn(notifier, 'failed');
    await signInAsAdmin();
  });
  afterEach(() => http.verify());

  it('keeps the draft in sessionStorage and restores it', () => {
    create();
    expect(store.draft()).toEqual(DEFAULT_DRAFT);
    store.update(draft());
    expect(JSON.parse(browser.sessionStorage.getItem(COMPOSE_DRAFT_STORAGE_KEY)!)).toEqual(draft());
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    expect(TestBed.inject(ComposeStore).draft()).toEqual(draft());
  });

  it('sends an app topic push with progress and records it with its pushMessageID', async () => {
    create();
    store.update(draft());
    store.send();
    await settle();
    expect(store.phase()).toBe('sending');
    const request = http.expectOne(`${TEST_APP_URL}/topics/news/push/messages`);
    expect(JSON.parse(request.request.body).data).toEqual({ message: 'hello' });
    store.send();
    http.expectNone(`${TEST_APP_URL}/topics/news/push/messages`);
    request.flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
    await settle();

    expect(store.phase()).toBeNull();
    const sent = TestBed.inject(RecentSends).entries();
    expect(sent.length).toBe(1);
    expect(sent[0]).toEqual(
      jasmine.objectContaining({
        pushMessageID: 'pm-1',
        appId: 'demoapp',
        target: { kind: 'topic', topic: { scope: { kind: 'app' }, name: 'news' } },
        path: '/topics/news/push/messages',
        keys: ['message'],
        development: true,
        production: true,
      }),
    );
    expect(store.lastTarget()).toEqual({
      kind: 'topic',
      topic: { scope: { kind: 'app' }, name: 'news' },
    });
    expect(notifier.done).toHaveBeenCalledWith('Sent to app topic news (message ID pm-1).');
  });

  it('looks up the user of a direct push first', async () => {
    create();
    store.update(draft({ target: { kind: 'user', by: 'name', owner: 'alice', topic: '' } }));
    store.send();
    expect(store.phase()).toBe('resolving');
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'u1', loginName: 'alice' });
    await settle();
    http.expectOne(`${TEST_APP_URL}/users/u1/push/messages`).flush({ pushMessageID: 'pm-2' });
    await settle();
    expect(TestBed.inject(RecentSends).latest()?.target).toEqual({
      kind: 'user',
      user: { kind: 'user', id: 'u1', name: 'alice' },
    });
  });

  it('sends nothing while the draft has problems, and shows them', () => {
    create();
    store.update(draft({ development: false, production: false }));
    store.send();
    expect(store.showProblems()).toBeTrue();
    expect(store.check().problems).toEqual(['Choose development, production or both.']);
    expect(store.phase()).toBeNull();
    http.expectNone(() => true);
  });

  it('refuses a payload that is too large once the real ID is known, and sends nothing', async () => {
    create();
    // 3,930 bytes of data fit with an estimated ID but not with this 200-character one.
    const value = 'x'.repeat(3790);
    store.update(
      draft({
        target: { kind: 'user-topic', by: 'name', owner: 'alice', topic: 'inbox' },
        data: { mode: 'rows', rows: [{ key: 'blob', value, type: 'string' }], json: '' },
      }),
    );
    expect(store.check().tooLarge).toBeFalse();
    store.send();
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'u'.repeat(200), loginName: 'alice' });
    await settle();
    expect(store.error()?.message).toMatch(
      /^The MQTT payload would be 4,\d{3} bytes; Kii allows at most 4,096/,
    );
    expect(notifier.failed).toHaveBeenCalled();
    expect(TestBed.inject(RecentSends).entries()).toEqual([]);
  });

  it("keeps the server's refusal with its errorCode and records nothing", async () => {
    create();
    store.update(draft());
    store.send();
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/topics/news/push/messages`)
      .flush(
        { errorCode: 'TOPIC_NOT_FOUND', message: 'Topic news was not found' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    expect(store.error()).toEqual(
      jasmine.objectContaining<KiiError>({
        errorCode: 'TOPIC_NOT_FOUND',
        status: 404,
        detail: 'Topic news was not found',
      }),
    );
    expect(notifier.failed).toHaveBeenCalledWith(
      'Sending the push',
      jasmine.objectContaining<KiiError>({ errorCode: 'TOPIC_NOT_FOUND' }),
    );
    expect(store.phase()).toBeNull();
    expect(TestBed.inject(RecentSends).entries()).toEqual([]);
  });

  it('starts over with the default draft', () => {
    create();
    store.update(draft({ development: false, production: false }));
    store.send();
    store.reset();
    expect(store.draft()).toEqual(DEFAULT_DRAFT);
    expect(store.showProblems()).toBeFalse();
  });
});
