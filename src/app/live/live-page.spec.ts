import { LiveAnnouncer } from '@angular/cdk/a11y';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { provideRouter } from '@angular/router';

import { TEST_APP_URL, TEST_BASE_URL, signInAsAdmin } from '../../testing/admin-session';
import { settle } from '../../testing/fake-live-clock';
import { LivePageHarness } from '../../testing/live-harnesses';
import { topicPayload } from '../../testing/live-messages';
import {
  LiveFakes,
  answerDiscovery,
  createLiveFakes,
  endpointAnswer,
  provideLiveTesting,
} from '../../testing/live-test-bed';
import { TestBrowser, createTestBrowser } from '../../testing/test-providers';
import { FileSaver } from '../shared/file-saver';
import { STREAM_ANNOUNCE_INTERVAL_MS } from './stream/stream-announcer';
import LivePage from './live-page';

describe('LivePage', () => {
  let browser: TestBrowser;
  let fakes: LiveFakes;
  let http: HttpTestingController;
  let fixture: ComponentFixture<LivePage>;
  let page: LivePageHarness;
  let root: HarnessLoader;

  const tapUrl = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/tap`;

  async function render(installation?: string): Promise<void> {
    TestBed.configureTestingModule({
      imports: [LivePage],
      providers: [...provideLiveTesting(browser, fakes), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInAsAdmin();
    fixture = TestBed.createComponent(LivePage);
    if (installation) fixture.componentRef.setInput('installation', installation);
    answerDiscovery(browser);
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, LivePageHarness);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
  }

  /** A frame: the monitors publish and the page renders. */
  async function frame(): Promise<void> {
    fakes.frames.flush();
    await settle();
    await fixture.whenStable();
  }

  async function startAllTraffic(): Promise<void> {
    await page.newMonitor();
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Start' }))).click();
    http.expectOne(tapUrl).flush(endpointAnswer('tap-1'));
    await settle();
    fakes.mqtt.latest.acceptAndGrant();
    await fixture.whenStable();
  }

  /** A tap delivery carrying push message ID pm<n>. */
  const tapMessage = (n: number) =>
    JSON.stringify({
      pushMessageID: `pm${n}`,
      target: 'kiicloud://topics/news',
      payload: JSON.parse(topicPayload('news', { n })),
    });

  /** A key pressed with focus on `target` (the page itself unless given). */
  async function press(key: string, target: Element = document.body): Promise<void> {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    await frame();
  }

  beforeEach(() => {
    browser = createTestBrowser();
    fakes = createLiveFakes();
  });

  afterEach(() => http.verify());

  it('starts All traffic, lists what arrives newest first and shows the picked message', async () => {
    await render();
    expect(await page.emptyText()).toContain('No monitor yet');
    await startAllTraffic();
    const card = await page.card('All traffic');
    expect(await card.state()).toBe('Connected');

    fakes.mqtt.latest.deliver(tapMessage(1));
    fakes.mqtt.latest.deliver(tapMessage(2));
    await frame();
    const stream = await page.stream();
    expect(await stream.column('topic')).toEqual(['news', 'news']);
    expect((await stream.column('payload'))[0]).toContain('"n":2');
    expect(await card.counters()).toEqual({ Received: 2, Shown: 2, Dropped: 0, Buffered: 2 });

    await stream.select(1);
    const detail = await page.detail();
    expect((await detail!.meta())['Push message ID']).toBe('pm1');
    await detail!.close();
    expect(await page.detail()).toBeNull();
  });

  it('keeps counting while paused and shows everything on resume', async () => {
    await render();
    await startAllTraffic();
    const card = await page.card('All traffic');
    fakes.mqtt.latest.deliver('one');
    await frame();
    await card.click('Pause');
    fakes.mqtt.latest.deliver('two');
    fakes.mqtt.latest.deliver('three');
    await frame();
    expect(await card.counters()).toEqual({ Received: 3, Shown: 1, Dropped: 0, Buffered: 3 });
    expect(await (await page.stream()).column('payload')).toEqual(['one']);
    await card.click('Resume');
    await frame();
    expect(await (await page.stream()).column('payload')).toEqual(['three', 'two', 'one']);
  });

  it('exports what the view shows, oldest first', async () => {
    await render();
    await startAllTraffic();
    const save = spyOn(TestBed.inject(FileSaver), 'save');
    fakes.mqtt.latest.deliver('{"a":1}');
    fakes.mqtt.latest.deliver('keep me');
    await frame();
    const card = await page.card('All traffic');
    await card.filter('Text', 'keep');
    await frame();
    await card.export('NDJSON');
    expect(save).toHaveBeenCalledTimes(1);
    const [name, text, type] = save.calls.mostRecent().args;
    expect(name).toMatch(/^kpc-all-traffic-\d{8}-\d{6}\.ndjson$/);
    expect(type).toBe('application/x-ndjson');
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).payload),
    ).toEqual(['keep me']);
    expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Exported 1 message.',
    );
    await card.filter('Text', '');
    await frame();
    await card.export('CSV');
    expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Exported 2 messages.',
    );
  });

  it('warns before watching the installation it was opened for, and watches it once accepted', async () => {
    await render('inst-1');
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Take over installation inst-1?');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Take over and watch' }))).click();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush({ installationID: 'inst-1', deviceType: 'MQTT', thingID: 'th1' });
    http
      .expectOne(`${TEST_APP_URL}/things/th1`)
      .flush({ _thingID: 'th1', _vendorThingID: 'door-sensor-042' });
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1/mqtt-endpoint`)
      .flush(endpointAnswer('inst-topic'));
    await settle();
    fakes.mqtt.latest.acceptAndGrant();
    await fixture.whenStable();
    expect(await (await page.card('Installation of thing door-sensor-042')).state()).toBe(
      'Connected',
    );
  });

  it('starts nothing when the takeover is cancelled', async () => {
    await render('inst-1');
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    await fixture.whenStable();
    expect(await page.cards()).toEqual([]);
    expect(fakes.mqtt.clients).toEqual([]);
  });

  it('reports a monitor that cannot start', async () => {
    await render();
    await page.newMonitor();
    const dialog = await root.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Start' }))).click();
    http
      .expectOne(tapUrl)
      .flush(
        { errorCode: 'UNAUTHORIZED', message: 'Admin only' },
        { status: 403, statusText: 'Forbidden' },
      );
    await settle();
    await fixture.whenStable();
    const snackBar = await root.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toContain(
      'Starting the monitor failed: The MQTT endpoint could not be fetched',
    );
    expect(await snackBar.getMessage()).toContain('UNAUTHORIZED');
    const card = await page.card('All traffic');
    expect(await card.state()).toBe('Stopped on an error');
    await card.click('Remove');
    await fixture.whenStable();
    expect(await page.cards()).toEqual([]);
  });

  describe('keyboard shortcuts', () => {
    it('pauses and resumes every monitor with P, and clears the view with C, saying how many', async () => {
      await render();
      await startAllTraffic();
      fakes.mqtt.latest.deliver('one');
      await frame();
      await press('p');
      fakes.mqtt.latest.deliver('two');
      await frame();
      expect(await (await page.stream()).column('payload')).toEqual(['one']);
      await press('P');
      expect(await (await page.stream()).column('payload')).toEqual(['two', 'one']);

      await press('c');
      expect(await (await page.stream()).column('payload')).toEqual([]);
      expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe(
        'Cleared 2 messages from the view.',
      );
      fakes.mqtt.latest.deliver('three');
      await frame();
      await press('c');
      expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe(
        'Cleared 1 message from the view.',
      );
    });

    it('walks the messages with J and K, shows each one, and goes back to the list with Escape', async () => {
      await render();
      await startAllTraffic();
      for (const n of [1, 2, 3]) fakes.mqtt.latest.deliver(tapMessage(n));
      await frame();
      const pushId = async () => (await (await page.detail())!.meta())['Push message ID'];

      await press('j');
      expect(await pushId()).toBe('pm3');
      await press('j', document.activeElement!);
      await press('ArrowDown', document.activeElement!);
      expect(await pushId()).toBe('pm1');
      // The oldest stays selected at the end of the list.
      await press('j', document.activeElement!);
      expect(await pushId()).toBe('pm1');
      await press('k', document.activeElement!);
      expect(await pushId()).toBe('pm2');

      await press('Escape', document.activeElement!);
      expect(await page.detail()).toBeNull();
      expect(document.activeElement?.getAttribute('aria-rowindex')).toBe('3');
      // J goes on from the message whose details were closed.
      await press('j', document.activeElement!);
      expect(await pushId()).toBe('pm1');
    });

    it('ignores the keys while the operator types in a filter field', async () => {
      await render();
      await startAllTraffic();
      fakes.mqtt.latest.deliver('one');
      await frame();
      await press('/');
      const input = document.activeElement as HTMLInputElement;
      expect(input.tagName).toBe('INPUT');
      await press('p', input);
      await press('c', input);
      expect(await (await page.card('All traffic')).counters()).toEqual({
        Received: 1,
        Shown: 1,
        Dropped: 0,
        Buffered: 1,
      });
    });

    it('lists the shortcuts in a dialog on ?', async () => {
      await render();
      await press('?');
      const dialog = await root.getHarness(MatDialogHarness);
      expect(await dialog.getTitleText()).toBe('Keyboard shortcuts');
      const text = await dialog.getContentText();
      expect(text).toContain('Pause or resume the view of every monitor');
      expect(text).toContain('Next (older) message');
      // Keys do nothing behind an open dialog.
      await press('?');
      expect((await root.getAllHarnesses(MatDialogHarness)).length).toBe(1);
    });
  });

  it('announces arrivals to screen readers at most once per interval, with their number', async () => {
    TestBed.overrideProvider(STREAM_ANNOUNCE_INTERVAL_MS, { useValue: 5_000 });
    await render();
    const announce = spyOn(TestBed.inject(LiveAnnouncer), 'announce').and.resolveTo();
    await startAllTraffic();
    for (let n = 0; n < 50; n++) fakes.mqtt.latest.deliver(`m${n}`);
    await frame();
    expect(announce).not.toHaveBeenCalled();
    fakes.clock.advance(5_000);
    expect(announce.calls.allArgs()).toEqual([['50 new messages', 'polite']]);
    // Nothing new, nothing said.
    fakes.clock.advance(5_000);
    expect(announce).toHaveBeenCalledTimes(1);
    fakes.mqtt.latest.deliver('last');
    await frame();
    fakes.clock.advance(5_000);
    expect(announce.calls.mostRecent().args).toEqual(['1 new message', 'polite']);
  });
});
