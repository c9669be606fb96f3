import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Observable, firstValueFrom, lastValueFrom } from 'rxjs';

import { TEST_APP_URL, TEST_BASE_URL, signInAsAdmin } from '../../../testing/admin-session';
import { settle } from '../../../testing/fake-live-clock';
import {
  LiveFakes,
  answerDiscovery,
  createLiveFakes,
  endpointAnswer,
  provideLiveTesting,
} from '../../../testing/live-test-bed';
import { topicPayload } from '../../../testing/live-messages';
import { TestBrowser, createTestBrowser } from '../../../testing/test-providers';
import { settle as wait } from '../../../testing/installation-sessions';
import { KiiError } from '../../core/kii-error';
import { Notifier } from '../../core/notifier';
import { SessionStore } from '../../core/session';
import { TopicRef } from '../../core/kii/topic-scope';
import { DEFAULT_MONITOR_SETTINGS, Monitor } from './monitor';
import { MonitorStore } from './monitor-store';

describe('MonitorStore', () => {
  let browser: TestBrowser;
  let fakes: LiveFakes;
  let http: HttpTestingController;
  let store: MonitorStore;

  const tapUrl = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/tap`;
  const announcements: TopicRef = { scope: { kind: 'app' }, name: 'announcements' };
  const diary: TopicRef = {
    scope: { kind: 'user', owner: { kind: 'user', id: 'user-alice-id', name: 'alice' } },
    name: 'diary',
  };

  beforeEach(async () => {
    browser = createTestBrowser();
    fakes = createLiveFakes();
    TestBed.configureTestingModule({ providers: provideLiveTesting(browser, fakes) });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(MonitorStore);
    answerDiscovery(browser);
    await signInAsAdmin();
  });

  afterEach(() => http.verify());

  /** Subscribes, lets requests be answered by `answer`, then connects the newest MQTT client. */
  async function started(
    start$: Observable<Monitor>,
    answer: () => Promise<void> | void,
  ): Promise<Monitor> {
    const monitor = firstValueFrom(start$);
    await answer();
    await settle();
    fakes.mqtt.latest.acceptAndGrant();
    return monitor;
  }

  async function startTap(ttlSeconds?: number): Promise<Monitor> {
    return started(store.startTapMonitor$(), () =>
      http.expectOne(tapUrl).flush(endpointAnswer('tap-1', ttlSeconds)),
    );
  }

  async function failure(
    start$: Observable<unknown>,
    answer: () => Promise<void> | void,
  ): Promise<KiiError> {
    const result = firstValueFrom(start$).then(
      () => fail('expected an error'),
      (error: KiiError) => error,
    );
    await answer();
    return (await result) as KiiError;
  }

  async function answerMonitorThing(): Promise<void> {
    http.expectOne(`${TEST_APP_URL}/things`).flush({ _thingID: 'th.monitor' });
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations`)
      .flush({ installationID: 'inst-monitor', installationRegistrationID: 'reg-monitor' });
    await settle();
  }

  it('offers All traffic when the local server has the tap extension', () => {
    expect(store.tapAvailable()).toBeTrue();
  });

  describe('an All traffic monitor', () => {
    it('connects to the tap and publishes messages once per frame', async () => {
      const monitor = await startTap();
      expect(store.monitors()).toEqual([monitor]);
      expect(monitor.label).toBe('All traffic');
      expect(monitor.state()).toBe('connected');

      const wrapped = JSON.stringify({
        pushMessageID: 'pm1',
        target: 'kiicloud://topics/news',
        payload: { a: 1 },
      });
      fakes.mqtt.latest.deliver(wrapped);
      fakes.mqtt.latest.deliver(wrapped);
      expect(monitor.feed.rows()).toEqual([]);
      fakes.frames.flush();
      const rows = monitor.feed.rows();
      expect(rows.length).toBe(2);
      expect(rows[0].wrapped).toBeTrue();
      expect(rows[0].summary.topic).toBe('news');
      expect(rows[1].seq).toBeGreaterThan(rows[0].seq);
      expect(monitor.feed.counters().received).toBe(2);
    });

    it('reports a tap the server refuses and lists the monitor as failed', async () => {
      const error = await failure(store.startTapMonitor$(), () =>
        http
          .expectOne(tapUrl)
          .flush({ errorCode: 'UNAUTHORIZED' }, { status: 403, statusText: 'Forbidden' }),
      );
      expect(error.kind).toBe('forbidden');
      expect(error.message).toContain('could not be fetched');
      expect(store.monitors().map((m) => m.state())).toEqual(['failed']);
    });

    it('keeps its buffer when it moves to fresh credentials before the TTL runs out', async () => {
      const monitor = await startTap(100);
      fakes.mqtt.latest.deliver('before');
      fakes.clock.advance(90_000);
      http.expectOne(tapUrl).flush(endpointAnswer('tap-2', 100));
      await settle();
      fakes.mqtt.latest.acceptAndGrant();
      fakes.mqtt.latest.deliver('after');
      fakes.frames.flush();
      expect(monitor.feed.rows().map((m) => m.text)).toEqual(['before', 'after']);
      expect(monitor.link.clientId()).toBe('tap-2');
    });

    it('charts messages per second every second', async () => {
      const monitor = await startTap();
      fakes.mqtt.latest.deliver('one');
      fakes.frames.flush();
      fakes.clock.advance(999);
      fakes.frames.flush();
      expect(monitor.feed.rate().at(-1)).toBe(0);
      // Just past the second's end, so the bar holds the whole second; drawn on the next frame.
      fakes.clock.advance(10);
      expect(monitor.feed.rate().at(-1)).toBe(0);
      fakes.frames.flush();
      expect(monitor.feed.rate().at(-1)).toBe(1);
    });
  });

  describe('an installation monitor', () => {
    it("connects with the installation's endpoint and names its owner", async () => {
      const monitor = await started(store.startInstallationMonitor$('inst-1'), async () => {
        http
          .expectOne(`${TEST_APP_URL}/installations/inst-1`)
          .flush({ installationID: 'inst-1', deviceType: 'MQTT', userID: 'u1' });
        http.expectOne(`${TEST_APP_URL}/users/u1`).flush({ userID: 'u1', loginName: 'alice' });
        await settle();
        http
          .expectOne(`${TEST_APP_URL}/installations/inst-1/mqtt-endpoint`)
          .flush(endpointAnswer('inst-topic'));
      });
      expect(monitor.label).toBe('Installation of user alice');
      expect(monitor.installationID).toBe('inst-1');
      expect(fakes.mqtt.latest.options?.['clientId']).toBe('inst-topic');
    });

    it('starts nothing for an installation that does not exist', async () => {
      const error = await failure(store.startInstallationMonitor$('gone'), () =>
        http
          .expectOne(`${TEST_APP_URL}/installations/gone`)
          .flush({ errorCode: 'INSTALLATION_NOT_FOUND' }, { status: 404, statusText: 'Not Found' }),
      );
      expect(error.errorCode).toBe('INSTALLATION_NOT_FOUND');
      expect(store.monitors()).toEqual([]);
    });
  });

  describe('a Topics monitor', () => {
    const monitorThing = 'things/th.monitor';

    beforeEach(() => {
      // The admin subscribes through the SDK: the fake app has to know the thing and topics.
      browser.sdk.apps
        .get('demoapp')!
        .things.set('kpc-monitor', { id: 'th.monitor', password: 'p' });
      browser.sdk.topics.add('app', 'announcements');
      browser.sdk.topics.add('users/user-alice-id', 'diary');
    });

    async function answerEndpoint(): Promise<void> {
      await wait();
      http
        .expectOne(`${TEST_APP_URL}/installations/inst-monitor/mqtt-endpoint`)
        .flush(endpointAnswer('thing-topic'));
    }

    it('subscribes the monitor thing, notes refused topics and unsubscribes on stop', async () => {
      const monitor = await started(store.startTopicMonitor$([announcements, diary]), async () => {
        await answerMonitorThing();
        await answerEndpoint();
      });
      expect(browser.sdk.topics.subscribers('app', 'announcements')).toEqual([monitorThing]);
      expect(monitor.label).toBe('Topics: announcements');
      expect(monitor.topics).toEqual([announcements]);
      expect(monitor.notes()).toEqual([
        jasmine.stringContaining('Not watching diary (user alice)'),
      ]);
      expect(monitor.notes()[0]).toContain('only the owner');

      fakes.mqtt.latest.deliver(topicPayload('announcements'));
      fakes.frames.flush();
      expect(monitor.feed.rows()[0].summary.topic).toBe('announcements');

      await lastValueFrom(store.stop$(monitor));
      expect(browser.sdk.topics.subscribers('app', 'announcements')).toEqual([]);
      expect(monitor.state()).toBe('stopped');
      expect(monitor.feed.rows().length).toBe(1);
    });

    it('starts nothing when every topic is refused', async () => {
      const error = await failure(store.startTopicMonitor$([diary]), async () => {
        await answerMonitorThing();
        await wait();
      });
      expect(error.message).toContain('Not watching diary (user alice)');
      expect(store.monitors()).toEqual([]);
    });

    it('runs one at a time', async () => {
      await started(store.startTopicMonitor$([announcements]), async () => {
        await answerMonitorThing();
        await answerEndpoint();
      });
      const error = await failure(store.startTopicMonitor$([announcements]), () => undefined);
      expect(error.kind).toBe('conflict');
      expect(error.message).toContain('already running');
    });
  });

  describe('as actions', () => {
    const tap = { kind: 'tap' as const, settings: DEFAULT_MONITOR_SETTINGS };

    it('hands a start back to a caller that shows it, and reports nothing', async () => {
      const notifier = TestBed.inject(Notifier);
      spyOn(notifier, 'failed');
      const result = firstValueFrom(store.start$(tap, { report: false }));
      expect(store.busy()).toBeTrue();
      http.expectOne(tapUrl).flush(endpointAnswer('tap-1'));
      await settle();
      fakes.mqtt.latest.acceptAndGrant();
      const started = await result;
      expect(started.ok && started.value.label).toBe('All traffic');
      expect(store.busy()).toBeFalse();
      expect(notifier.failed).not.toHaveBeenCalled();
    });

    it('reports a failed start itself', async () => {
      const notifier = TestBed.inject(Notifier);
      spyOn(notifier, 'failed');
      store.start(tap);
      http
        .expectOne(tapUrl)
        .flush({ errorCode: 'UNAUTHORIZED' }, { status: 403, statusText: 'Forbidden' });
      await settle();
      expect(notifier.failed).toHaveBeenCalledWith(
        'Starting the monitor',
        jasmine.objectContaining<KiiError>({ kind: 'forbidden' }),
      );
      expect(store.busy()).toBeFalse();
    });
  });

  it('stops every monitor when the session ends', async () => {
    const monitor = await startTap();
    TestBed.inject(SessionStore).signOut();
    TestBed.tick();
    expect(monitor.state()).toBe('stopped');
    expect(fakes.mqtt.latest.ended).toBeTrue();
  });

  it('restarts a stopped monitor with its buffer, and removes it', async () => {
    const monitor = await startTap();
    fakes.mqtt.latest.deliver('kept');
    await lastValueFrom(store.stop$(monitor));
    const again = started(store.restart$(monitor), () =>
      http.expectOne(tapUrl).flush(endpointAnswer('tap-3')),
    );
    expect(await again).toBe(monitor);
    fakes.frames.flush();
    expect(monitor.feed.rows().map((m) => m.text)).toEqual(['kept']);

    await lastValueFrom(store.remove$(monitor));
    expect(store.monitors()).toEqual([]);
    expect(fakes.mqtt.latest.ended).toBeTrue();
  });
});
