import { TestBed } from '@angular/core/testing';

import { signInAsAdmin } from '../../testing/admin-session';
import { MemoryStorage } from '../../testing/memory-storage';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import {
  RECENT_SENDS_LIMIT,
  RECENT_SENDS_STORAGE_KEY,
  RecentSend,
  RecentSends,
} from './recent-sends';

function send(id: string, appId = 'demoapp'): RecentSend {
  return {
    pushMessageID: id,
    appId,
    target: 'app topic news',
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

  it('ignores stored text it cannot read', () => {
    storage.setItem(RECENT_SENDS_STORAGE_KEY, '[{"pushMessageID": 1}]');
    expect(create().entries()).toEqual([]);
    storage.setItem(RECENT_SENDS_STORAGE_KEY, 'not json');
    TestBed.resetTestingModule();
  });
});
