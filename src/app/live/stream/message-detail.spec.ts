import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { MessageDetailHarness } from '../../../testing/live-harnesses';
import { liveMessage, topicPayload } from '../../../testing/live-messages';
import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { LiveMessage } from '../feed/live-message';
import { MessageDetail } from './message-detail';

describe('MessageDetail', () => {
  let fixture: ComponentFixture<MessageDetail>;
  let detail: MessageDetailHarness;

  async function show(message: LiveMessage): Promise<void> {
    TestBed.configureTestingModule({
      imports: [MessageDetail],
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
    fixture = TestBed.createComponent(MessageDetail);
    fixture.componentRef.setInput('message', message);
    await fixture.whenStable();
    detail = await TestbedHarnessEnvironment.harnessForFixture(fixture, MessageDetailHarness);
  }

  it('opens a JSON payload as a tree, with where it came from', async () => {
    const message = liveMessage(topicPayload('news', { title: 'Hello', nested: 'x' }), {
      monitorLabel: 'Topics: news',
    });
    await show(message);
    expect(await detail.selectedTab()).toBe('JSON');
    const tree = await detail.treeText();
    expect(tree).toContain('title: "Hello"');
    expect(tree).toContain('topic: "news"');
    expect(await detail.meta()).toEqual(
      jasmine.objectContaining({
        Monitor: 'Topics: news',
        'MQTT topic': 'mqtt-topic-1',
        Topic: 'news',
        Scope: 'App',
        Sender: 'admins/APP_ADMIN',
        Size: `${message.size} bytes`,
      }),
    );
  });

  it("shows the tap's push message ID and nests the delivered payload in the tree", async () => {
    const wrapped = JSON.stringify({
      pushMessageID: 'pm-42',
      target: 'kiicloud://users/u1',
      payload: { a: [1, 2] },
    });
    await show(liveMessage(wrapped, { wrapped: true }));
    expect((await detail.meta())['Push message ID']).toBe('pm-42');
    const report = (fixture.nativeElement as HTMLElement).querySelector('a.kpc-report')!;
    expect(report.getAttribute('href')).toBe('/pushes/pm-42');
    expect(report.textContent).toContain('Push report and delivery outcomes');
    expect(await detail.treeLines()).toEqual([
      '{ 3 entries',
      'pushMessageID: "pm-42"',
      'target: "kiicloud://users/u1"',
      'payload: { 1 entry',
      'a: [ 2 entries',
      '0: 1',
      '1: 2',
    ]);
  });

  it('shows the raw text and a hex dump with offsets', async () => {
    await show(liveMessage('{"a":"<b>"}\n\u0000xyz'));
    await detail.selectTab('Text');
    expect(await detail.rawText()).toBe('{"a":"<b>"}\n\u0000xyz');
    await detail.selectTab('Hex');
    expect(await detail.hexLines()).toEqual([
      '00000000  7b 22 61 22 3a 22 3c 62  3e 22 7d 0a 00 78 79 7a  |{"a":"<b>"}..xyz|',
    ]);
  });

  it('opens text that is not JSON as text, with the JSON view disabled', async () => {
    await show(liveMessage('plain <script>alert(1)</script> text'));
    expect(await detail.selectedTab()).toBe('Text');
    expect(await detail.isTabDisabled('JSON')).toBeTrue();
    expect(await detail.rawText()).toBe('plain <script>alert(1)</script> text');
    expect((fixture.nativeElement as HTMLElement).querySelector('script')).toBeNull();
  });

  it('opens bytes that are not UTF-8 as hex and says why', async () => {
    await show(liveMessage(new Uint8Array([0xff, 0x00, 0x41, 0x80])));
    expect(await detail.selectedTab()).toBe('Hex');
    expect(await detail.hexLines()).toEqual([
      '00000000  ff 00 41 80                                       |..A.|',
    ]);
    await detail.selectTab('Text');
    expect((await detail.noteTexts()).join(' ')).toContain('not UTF-8');
  });

  it('closes on request', async () => {
    await show(liveMessage('x'));
    let closed = 0;
    fixture.componentInstance.closed.subscribe(() => closed++);
    await detail.close();
    expect(closed).toBe(1);
  });
});
