import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { of } from 'rxjs';

import { FakeFrames, FakeLiveClock, settle } from '../../../testing/fake-live-clock';
import { FakeMqttFactory } from '../../../testing/fake-mqtt';
import { MonitorCardHarness } from '../../../testing/live-harnesses';
import { endpointAnswer } from '../../../testing/live-test-bed';
import { topicPayload } from '../../../testing/live-messages';
import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { parseMqttEndpoint } from '../../core/kii/mqtt-endpoint';
import { linkText } from '../connection/link-text';
import { ExportFormat } from '../export/message-export';
import { MessageFilter } from '../feed/message-filter';
import { DEFAULT_MONITOR_SETTINGS, Monitor } from './monitor';
import { MonitorCard } from './monitor-card';
import { MonitorFeed } from '../feed/monitor-feed';
import { MonitorLink } from '../connection/monitor-link';

describe('MonitorCard', () => {
  let clock: FakeLiveClock;
  let frames: FakeFrames;
  let mqtt: FakeMqttFactory;
  let monitor: Monitor;
  let fixture: ComponentFixture<MonitorCard>;
  let card: MonitorCardHarness;
  let emitted: string[];

  /** A monitor on the fakes, with a buffer of `capacity`, connected. */
  async function connectedMonitor(capacity = 3): Promise<void> {
    let seq = 0;
    const feed = new MonitorFeed(
      { monitorId: 'm1', label: 'All traffic', tapped: false },
      {
        // The card is not about frames: each queued publish is one fake frame.
        frames: { request: (_key, job) => frames.request(job), cancelJob: () => undefined },
        clock,
        sequence: () => ++seq,
      },
      capacity,
    );
    const link = new MonitorLink(
      {
        factory: mqtt,
        clock,
        text: linkText('en-US'),
        endpoint$: () => of(parseMqttEndpoint(endpointAnswer('tap-1'), clock.now())),
        onMessage: (topic, payload) => feed.take(topic, payload),
      },
      { keepAliveSeconds: 60, secure: false },
    );
    monitor = new Monitor(
      { id: 'm1', kind: 'tap', label: 'All traffic', settings: DEFAULT_MONITOR_SETTINGS },
      feed,
      link,
    );
    const ready = link.start();
    await settle();
    mqtt.latest.acceptAndGrant();
    await ready;
  }

  async function render(): Promise<void> {
    TestBed.configureTestingModule({
      imports: [MonitorCard],
      providers: provideTestBrowser(createTestBrowser()),
    });
    fixture = TestBed.createComponent(MonitorCard);
    fixture.componentRef.setInput('monitor', monitor);
    const card$ = fixture.componentInstance;
    card$.pauseChange.subscribe((paused) => emitted.push(`pause ${paused}`));
    card$.cleared.subscribe(() => emitted.push('clear'));
    card$.filterChange.subscribe((f: MessageFilter) =>
      emitted.push(`filter ${f.text}|${f.topic}|${f.fields}`),
    );
    card$.exported.subscribe((format: ExportFormat) => emitted.push(`export ${format}`));
    card$.stopped.subscribe(() => emitted.push('stop'));
    card$.restarted.subscribe(() => emitted.push('restart'));
    card$.reconnectNow.subscribe(() => emitted.push('reconnect'));
    card$.removed.subscribe(() => emitted.push('remove'));
    await fixture.whenStable();
    card = await TestbedHarnessEnvironment.harnessForFixture(fixture, MonitorCardHarness);
  }

  /** Messages arrive and a frame publishes them. */
  async function arrive(count: number): Promise<void> {
    for (let i = 0; i < count; i++) mqtt.latest.deliver(topicPayload('news', { i }));
    clock.advance(1000);
    frames.flush();
    await fixture.whenStable();
  }

  beforeEach(() => {
    clock = new FakeLiveClock();
    frames = new FakeFrames();
    mqtt = new FakeMqttFactory();
    emitted = [];
  });

  it('shows the state, the client ID and the counters, drops included', async () => {
    await connectedMonitor(3);
    await render();
    expect(await card.label()).toBe('All traffic');
    expect(await card.state()).toBe('Connected');
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Client ID tap-1');
    await arrive(5);
    expect(await card.counters()).toEqual({ Received: 5, Shown: 3, Dropped: 2, Buffered: 3 });
  });

  it('asks to pause, and says so while paused', async () => {
    await connectedMonitor();
    await render();
    await card.click('Pause');
    expect(emitted).toEqual(['pause true']);
    monitor.feed.pause();
    await fixture.whenStable();
    expect(await card.hasButton('Resume')).toBeTrue();
    expect((await card.noteTexts()).join(' ')).toContain('Paused: the view is frozen');
    await card.click('Resume');
    expect(emitted).toEqual(['pause true', 'pause false']);
  });

  it('asks to clear, to export as NDJSON or CSV, and to stop', async () => {
    await connectedMonitor();
    await render();
    await card.click('Clear');
    await card.export('CSV');
    await card.export('NDJSON');
    await card.click('Stop');
    expect(emitted).toEqual(['clear', 'export csv', 'export ndjson', 'stop']);
  });

  it('sends the filter once typing settles, and shows why a filter cannot be used', async () => {
    await connectedMonitor();
    await render();
    await card.filter('Topic', 'news');
    expect(emitted).toEqual(['filter |news|']);
    monitor.feed.setFilter({ text: '', topic: '', fields: 'oops' });
    await fixture.whenStable();
    expect(await card.filterHint('Payload key=value')).toContain('"oops" is not key=value');
  });

  it('explains a reconnect storm and offers to start again or remove', async () => {
    await connectedMonitor();
    await render();
    clock.advance(30_000);
    mqtt.latest.close();
    for (let i = 0; i < 3; i++) {
      clock.advance(monitor.link.reconnectAt()! - clock.now());
      await settle();
      mqtt.latest.acceptAndGrant();
      clock.advance(500);
      mqtt.latest.close();
    }
    await fixture.whenStable();
    expect(await card.state()).toBe('Stopped on an error');
    expect(await card.error()).toContain('Another client keeps taking this connection over');
    expect(await card.hasButton('Stop')).toBeFalse();
    await card.click('Start again');
    await card.click('Remove');
    expect(emitted).toEqual(['restart', 'remove']);
  });

  it('shows when the next attempt starts, offers to reconnect now, and lists the timeline', async () => {
    await connectedMonitor();
    await render();
    clock.advance(30_000);
    mqtt.latest.close();
    await fixture.whenStable();
    expect(await card.state()).toMatch(/^Reconnecting next attempt at \d\d:\d\d:\d\d$/);
    await card.click('Reconnect now');
    expect(emitted).toEqual(['reconnect']);
    const timeline = await card.timeline();
    expect(timeline[0]).toMatch(/Reconnecting in 0\.8 s \(attempt 1\)$/);
    expect(timeline[1]).toMatch(/The broker closed the connection after 30 s$/);
    expect(timeline.at(-1)).toMatch(/Fetching the MQTT endpoint$/);
  });
});
