import { formatDate } from '@angular/common';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';

import { FAKE_CLOCK_START } from '../../../testing/fake-live-clock';
import { liveMessage, topicPayload } from '../../../testing/live-messages';
import { MessageStreamHarness } from '../../../testing/message-stream-harness';
import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { LiveMessage } from '../feed/live-message';
import { MessageStream, STREAM_ROW_HEIGHT, indexOfSeq } from './message-stream';

describe('MessageStream', () => {
  let fixture: ComponentFixture<MessageStream>;
  let stream: MessageStreamHarness;
  let selected: LiveMessage[];

  /** `count` messages, newest first (seq count ... 1). */
  function messages(count: number, from = 1): LiveMessage[] {
    const list: LiveMessage[] = [];
    for (let seq = from; seq < from + count; seq++) {
      list.push(
        liveMessage(topicPayload('news', { n: seq }), { seq, receivedAt: FAKE_CLOCK_START + seq }),
      );
    }
    return list.reverse();
  }

  async function render(rows: readonly LiveMessage[]): Promise<void> {
    fixture.componentRef.setInput('rows', rows);
    await fixture.whenStable();
    // The scroll window follows on the next animation frame.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    await fixture.whenStable();
  }

  function scroller(): HTMLElement {
    return (fixture.nativeElement as HTMLElement).querySelector('.kpc-scroller')!;
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [MessageStream],
      providers: provideTestBrowser(createTestBrowser()),
    });
    fixture = TestBed.createComponent(MessageStream);
    fixture.componentRef.setInput('rows', []);
    selected = [];
    fixture.componentInstance.selectMessage.subscribe((m) => selected.push(m));
    stream = await TestbedHarnessEnvironment.harnessForFixture(fixture, MessageStreamHarness);
  });

  it('lists messages newest first with time, monitor, topic, sender, scope, size and payload', async () => {
    const direct = liveMessage(
      JSON.stringify({ hi: 1, sourceURI: 'kiicloud://users/u9', senderURI: 'kiicloud://users/u2' }),
      {
        seq: 2,
        receivedAt: FAKE_CLOCK_START + 1234,
        monitorLabel: 'Installation of user alice',
      },
    );
    const topic = liveMessage(topicPayload('news', { a: 'b' }), {
      seq: 1,
      receivedAt: FAKE_CLOCK_START,
    });
    await render([direct, topic]);
    expect(await stream.rows()).toEqual([
      {
        time: formatDate(FAKE_CLOCK_START + 1234, 'HH:mm:ss.SSS', 'en-US'),
        monitor: 'Installation of user alice',
        topic: '—',
        sender: 'users/u2',
        scope: 'Direct to user u9',
        size: String(direct.size),
        payload: direct.summary.preview,
      },
      {
        time: formatDate(FAKE_CLOCK_START, 'HH:mm:ss.SSS', 'en-US'),
        monitor: 'All traffic',
        topic: 'news',
        sender: 'admins/APP_ADMIN',
        scope: 'App',
        size: String(topic.size),
        payload: topic.summary.preview,
      },
    ]);
    expect(await stream.emptyText()).toBeNull();
  });

  it('says so when there is nothing to list', async () => {
    await render([]);
    expect(await stream.rows()).toEqual([]);
    expect(await stream.emptyText()).toContain('No messages to show');
  });

  it('renders only the rows in view for a full buffer', async () => {
    await render(messages(10_000));
    const rendered = await stream.column('payload');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(60);
    expect(rendered[0]).toContain('"n":10000');
    expect(await stream.ariaRowCount()).toBe(10_001);
  });

  it('emits the row the operator picks and marks it', async () => {
    const rows = messages(3);
    await render(rows);
    await stream.select(1);
    expect(selected).toEqual([rows[1]]);
    fixture.componentRef.setInput('selected', rows[1]);
    await fixture.whenStable();
    expect(await stream.selectedIndex()).toBe(1);
  });

  it('shows markup in a payload as text', async () => {
    const payload = JSON.stringify({
      html: '<img src=x onerror="window.__streamPwned=1"><b>bold</b>',
    });
    await render([liveMessage(payload, { seq: 1 })]);
    expect((await stream.column('payload'))[0]).toContain('<img src=x onerror=');
    expect((fixture.nativeElement as HTMLElement).querySelector('img, b')).toBeNull();
    expect((window as unknown as { __streamPwned?: number }).__streamPwned).toBeUndefined();
  });

  it('follows the newest at the top, and keeps the rows being read in place when scrolled down', async () => {
    const first = messages(1000);
    await render(first);
    scroller().scrollTop = 10 * STREAM_ROW_HEIGHT + 5;
    await render(first);
    const reading = first[10];
    await render([...messages(7, 1001), ...first]);
    expect(scroller().scrollTop).toBe(17 * STREAM_ROW_HEIGHT + 5);
    expect((await stream.column('payload')).some((p) => p === reading.summary.preview)).toBeTrue();

    scroller().scrollTop = 0;
    await render(first);
    await render([...messages(3, 2001), ...first]);
    expect(scroller().scrollTop).toBe(0);
    expect((await stream.column('payload'))[0]).toContain('"n":2003');
  });
});

describe('indexOfSeq', () => {
  const rows = [9, 7, 4, 2].map((seq) => liveMessage('x', { seq }));

  it('finds a message by its arrival number in newest-first rows', () => {
    expect(indexOfSeq(rows, 7)).toBe(1);
    expect(indexOfSeq(rows, 2)).toBe(3);
  });

  it('falls back to the next older message, or the last row', () => {
    expect(indexOfSeq(rows, 5)).toBe(2);
    expect(indexOfSeq(rows, 1)).toBe(3);
    expect(indexOfSeq(rows, 10)).toBe(0);
    expect(indexOfSeq([], 3)).toBe(0);
  });
});
