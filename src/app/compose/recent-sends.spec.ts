import { TestBed } from '@angular/core/testing';

import { signInAsAdmin } from '../../testing/admin-session';
import { MemoryStorage } from '../../testing/memory-storage';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import {
  RECENT_SENDS_LIMIT,
  RECENT_SENDS_STORAGE_KEY,
  RecentSend,
  RecentSends,
  sentToLabel,
} from './recent-sends';

function send(id: string, appId = 'demoapp'): RecentSend {
  return {
    pushMessageID: id,
    appId,
    target: { kind: 'topic', topic: { scope: { kind: 'app' }, name: 'news' } },
    path: '/topics/news/push/messages',
    sentAt: 1700000000000,
    bytes: 120,
    development: true,
    production: true,
    keys: ['message'],
  };
}

describe('RecentSends', () => {
  let storage: MemoryStorage;

  function create(): RecentSends {
    return TestBed.inject(RecentSends);
  }

  beforeEach(async () => {
    const browser = createTestBrowser();
    storage = browser.sessionStorage;
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    await signInAsAdmin();
  });

  it('lists sends newest first and keeps them in sessionStorage', () => {
    const recent = create();
    recent.add(send('m1'));
    recent.add(send('m2'));
    expect(recent.entries().map((s) => s.pushMessageID)).toEqual(['m2', 'm1']);
    expect(recent.latest()?.pushMessageID).toBe('m2');
    const stored = JSON.parse(storage.getItem(RECENT_SENDS_STORAGE_KEY)!) as RecentSend[];
    expect(stored.map((s) => s.pushMessageID)).toEqual(['m2', 'm1']);
  });

  it("shows only the signed-in app's sends and clears only those", () => {
    storage.setItem(
      RECENT_SENDS_STORAGE_KEY,
      JSON.stringify([send('other', 'otherapp'), send('m1')]),
    );
    const recent = create();
    expect(recent.entries().map((s) => s.pushMessageID)).toEqual(['m1']);
    recent.clear();
    expect(recent.entries()).toEqual([]);
    expect(JSON.parse(storage.getItem(RECENT_SENDS_STORAGE_KEY)!)).toEqual([
      send('other', 'otherapp'),
    ]);
  });

  it(`keeps the newest ${RECENT_SENDS_LIMIT}`, () => {
    const recent = create();
    for (let i = 0; i <= RECENT_SENDS_LIMIT; i++) recent.add(send(`m${i}`));
    expect(recent.entries().length).toBe(RECENT_SENDS_LIMIT);
    expect(recent.entries().at(-1)?.pushMessageID).toBe('m1');
  });

  it('keeps the target as data and puts it into words when shown', () => {
    const recent = create();
    recent.add({
      ...send('m1'),
      target: {
        kind: 'topic',
        topic: {
          scope: { kind: 'thing', owner: { kind: 'thing', id: 'th.1', name: 'door' } },
          name: 'cmd',
        },
      },
    });
    const stored = JSON.parse(storage.getItem(RECENT_SENDS_STORAGE_KEY)!) as RecentSend[];
    expect(stored[0].target).toEqual({
      kind: 'topic',
      topic: {
        scope: { kind: 'thing', owner: { kind: 'thing', id: 'th.1', name: 'door' } },
        name: 'cmd',
      },
    });
    expect(sentToLabel(recent.entries()[0].target)).toBe('topic cmd of thing door');
  });

  it('still reads sends an older console saved with the target as text, showing it as it was', () => {
    const { target: _, ...rest } = send('old');
    storage.setItem(
      RECENT_SENDS_STORAGE_KEY,
      JSON.stringify([send('new'), { ...rest, target: 'app topic news' }]),
    );
    const recent = create();
    expect(recent.entries().map((s) => s.pushMessageID)).toEqual(['new', 'old']);
    expect(recent.entries().map((s) => sentToLabel(s.target))).toEqual([
      'app topic news',
      'app topic news',
    ]);
    expect(recent.entries()[1].target).toEqual({ kind: 'saved', label: 'app topic news' });
    recent.add(send('newer'));
    expect(recent.entries().length).toBe(3);
  });

  it('ignores a stored target it cannot read', () => {
    storage.setItem(
      RECENT_SENDS_STORAGE_KEY,
      JSON.stringify([{ ...send('m1'), target: { kind: 'topic', topic: null } }]),
    );
    expect(create().entries()).toEqual([]);
  });

  it('ignores stored text it cannot read', () => {
    storage.setItem(RECENT_SENDS_STORAGE_KEY, '[{"pushMessageID": 1}]');
    expect(create().entries()).toEqual([]);
    storage.setItem(RECENT_SENDS_STORAGE_KEY, 'not json');
    TestBed.resetTestingModule();
  });
});
