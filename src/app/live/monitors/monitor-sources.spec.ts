import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Observable, firstValueFrom, lastValueFrom } from 'rxjs';

import { TEST_APP_URL, TEST_BASE_URL, signInAsAdmin } from '../../../testing/admin-session';
import { FAKE_CLOCK_START, FakeLiveClock, settle } from '../../../testing/fake-live-clock';
import { endpointAnswer } from '../../../testing/live-test-bed';
import {
  TestBrowser,
  createTestBrowser,
  provideTestBrowser,
} from '../../../testing/test-providers';
import { settle as wait } from '../../../testing/installation-sessions';
import { KiiError } from '../../core/kii-error';
import { ENDPOINT_RETRY } from '../../core/kii/mqtt-endpoint';
import { LIVE_CLOCK } from '../live-clock';
import { MONITOR_THING_STORAGE_KEY, MonitorSources } from './monitor-sources';
import { TopicRef } from '../../core/kii/topic-scope';

describe('MonitorSources', () => {
  let browser: TestBrowser;
  let clock: FakeLiveClock;
  let http: HttpTestingController;
  let sources: MonitorSources;

  const endpointBody = { installationID: 'inst-1', ...endpointAnswer('mt', 3600) };
  const news: TopicRef = { scope: { kind: 'app' }, name: 'news' };

  beforeEach(async () => {
    browser = createTestBrowser();
    clock = new FakeLiveClock();
    TestBed.configureTestingModule({
      providers: [
        ...provideTestBrowser(browser),
        { provide: LIVE_CLOCK, useValue: clock },
        // The one 503 policy, with a wait short enough for a spec.
        { provide: ENDPOINT_RETRY, useValue: { attempts: 3, delayMs: 1 } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    sources = TestBed.inject(MonitorSources);
    await signInAsAdmin();
  });

  afterEach(() => http.verify());

  function failWith(url: string, status: number, errorCode: string, method?: string): void {
    const request = method ? http.expectOne({ url, method }) : http.expectOne(url);
    request.flush({ errorCode, message: `${errorCode} happened` }, { status, statusText: 'x' });
  }

  async function failure(source$: Observable<unknown>, answer: () => void): Promise<KiiError> {
    const result = firstValueFrom(source$).then(
      () => fail('expected an error'),
      (error: KiiError) => error,
    );
    answer();
    return (await result) as KiiError;
  }

  describe('installation$', () => {
    it("describes an MQTT installation with its owner's name", async () => {
      const info = firstValueFrom(sources.installation$('inst-1'));
      http
        .expectOne(`${TEST_APP_URL}/installations/inst-1`)
        .flush({ installationID: 'inst-1', deviceType: 'MQTT', userID: 'u1' });
      http.expectOne(`${TEST_APP_URL}/users/u1`).flush({ userID: 'u1', loginName: 'alice' });
      expect(await info).toEqual(
        jasmine.objectContaining({
          installationID: 'inst-1',
          deviceType: 'MQTT',
          development: false,
          owner: { kind: 'user', id: 'u1', name: 'alice' },
        }),
      );
    });

    it('refuses an installation that is not MQTT, and reports one that does not exist', async () => {
      const notMqtt = await failure(sources.installation$('inst-2'), () =>
        http
          .expectOne(`${TEST_APP_URL}/installations/inst-2`)
          .flush({ installationID: 'inst-2', deviceType: 'ANDROID' }),
      );
      expect(notMqtt.kind).toBe('invalid');
      expect(notMqtt.detail).toContain('ANDROID');
      const missing = await failure(sources.installation$('nope'), () =>
        failWith(`${TEST_APP_URL}/installations/nope`, 404, 'INSTALLATION_NOT_FOUND'),
      );
      expect(missing.errorCode).toBe('INSTALLATION_NOT_FOUND');
    });
  });

  describe('installationEndpoint$', () => {
    const url = `${TEST_APP_URL}/installations/inst-1/mqtt-endpoint`;

    it('reads the endpoint and its TTL', async () => {
      const endpoint = firstValueFrom(sources.installationEndpoint$('inst-1'));
      http.expectOne(url).flush(endpointBody);
      expect(await endpoint).toEqual({
        installationID: 'inst-1',
        username: 'user-mt',
        password: 'pass-mt',
        mqttTopic: 'mt',
        host: '127.0.0.1',
        portTCP: 1883,
        portSSL: 0,
        portWS: 8080,
        portWSS: 0,
        ttlSeconds: 3600,
        receivedAt: FAKE_CLOCK_START,
      });
    });

    it('waits and asks again while the endpoint is not ready', async () => {
      const endpoint = firstValueFrom(sources.installationEndpoint$('inst-1'));
      failWith(url, 503, 'MQTT_ENDPOINT_NOT_READY');
      http.expectNone(url);
      await wait(10);
      http.expectOne(url).flush(endpointBody);
      expect((await endpoint).mqttTopic).toBe('mt');
    });

    it('gives up on other errors at once', async () => {
      const error = await failure(sources.installationEndpoint$('inst-1'), () =>
        failWith(url, 404, 'MQTT_ENDPOINT_NOT_FOUND'),
      );
      expect(error.kind).toBe('not-found');
    });
  });

  describe('tapEndpoint$', () => {
    const url = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/tap`;

    it("asks the local server's tap for credentials", async () => {
      const endpoint = firstValueFrom(sources.tapEndpoint$());
      const request = http.expectOne(url);
      expect(request.request.method).toBe('POST');
      request.flush({ ...endpointBody, mqttTopic: 'tap-1' });
      expect((await endpoint).mqttTopic).toBe('tap-1');
    });

    it('reports a refusal', async () => {
      const error = await failure(sources.tapEndpoint$(), () => failWith(url, 403, 'UNAUTHORIZED'));
      expect(error.kind).toBe('forbidden');
    });
  });

  describe('monitorThing$', () => {
    function answerRegistration(): { vendorThingID: string; password: string } {
      const register = http.expectOne(`${TEST_APP_URL}/things`);
      const body = JSON.parse(register.request.body as string) as {
        _vendorThingID: string;
        _password: string;
      };
      register.flush({ _thingID: 'th.monitor' }, { status: 201, statusText: 'Created' });
      return { vendorThingID: body._vendorThingID, password: body._password };
    }

    /** The admin installs MQTT for the thing (answered as Kii does, a repeat included). */
    async function answerInstall(thingID = 'th.monitor'): Promise<void> {
      await settle();
      const install = http.expectOne(`${TEST_APP_URL}/installations`);
      expect(install.request.method).toBe('POST');
      expect(JSON.parse(install.request.body as string)).toEqual({
        deviceType: 'MQTT',
        development: false,
        thingID,
      });
      install.flush({ installationID: 'inst-monitor', installationRegistrationID: 'reg-monitor' });
    }

    it('registers a monitor thing once and installs MQTT for it', async () => {
      const thing = firstValueFrom(sources.monitorThing$());
      const registered = answerRegistration();
      expect(registered.vendorThingID).toMatch(/^kpc-monitor-[0-9a-f]{16}$/);
      await answerInstall();
      expect(await thing).toEqual({
        thingID: 'th.monitor',
        vendorThingID: registered.vendorThingID,
        installationID: 'inst-monitor',
      });
      const stored = JSON.parse(browser.localStorage.getItem(MONITOR_THING_STORAGE_KEY)!);
      expect(stored[`${TEST_BASE_URL} demoapp`]).toEqual(
        jasmine.objectContaining({
          vendorThingID: registered.vendorThingID,
          password: registered.password,
          thingID: 'th.monitor',
        }),
      );

      const again = firstValueFrom(sources.monitorThing$());
      http.expectNone(`${TEST_APP_URL}/things`);
      await answerInstall();
      expect((await again).thingID).toBe('th.monitor');
    });

    it('registers a new one when the stored thing is unknown (the server was reset)', async () => {
      const first = firstValueFrom(sources.monitorThing$());
      const old = answerRegistration();
      await answerInstall();
      await first;

      const next = firstValueFrom(sources.monitorThing$());
      await settle();
      failWith(`${TEST_APP_URL}/installations`, 404, 'THING_NOT_FOUND');
      const fresh = answerRegistration();
      expect(fresh.vendorThingID).not.toBe(old.vendorThingID);
      await answerInstall();
      expect((await next).vendorThingID).toBe(fresh.vendorThingID);
    });

    it('reports a registration the server refuses', async () => {
      const error = await failure(sources.monitorThing$(), () =>
        failWith(`${TEST_APP_URL}/things`, 403, 'UNAUTHORIZED'),
      );
      expect(error.kind).toBe('forbidden');
      expect(browser.localStorage.getItem(MONITOR_THING_STORAGE_KEY)).toBeNull();
    });
  });

  describe('subscriptions', () => {
    const monitorThing = 'things/th.monitor';
    const diary: TopicRef = {
      scope: { kind: 'user', owner: { kind: 'user', id: 'user-alice-id', name: 'alice' } },
      name: 'diary',
    };

    beforeEach(async () => {
      const thing = firstValueFrom(sources.monitorThing$());
      http.expectOne(`${TEST_APP_URL}/things`).flush({ _thingID: 'th.monitor' });
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations`)
        .flush({ installationID: 'i', installationRegistrationID: 'r' });
      await thing;
      // The admin subscribes through the SDK: the fake app has to know the thing and topics.
      browser.sdk.apps
        .get('demoapp')!
        .things.set('kpc-monitor', { id: 'th.monitor', password: 'p' });
      browser.sdk.topics.add('app', 'news');
      browser.sdk.topics.add('users/user-alice-id', 'diary');
    });

    it('subscribes the thing (already subscribed is fine) and remembers it until unsubscribed', async () => {
      browser.sdk.topics.subscribe('app', 'news', monitorThing);
      await lastValueFrom(sources.subscribeThing$('th.monitor', news), { defaultValue: null });
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual([monitorThing]);
      expect(sources.leftoverSubscriptions()).toEqual([
        '/topics/news/push/subscriptions/things/th.monitor',
      ]);

      await lastValueFrom(sources.unsubscribeThing$('th.monitor', news), { defaultValue: null });
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual([]);
      expect(sources.leftoverSubscriptions()).toEqual([]);
      // Gone already: still done.
      await lastValueFrom(sources.unsubscribeThing$('th.monitor', news), { defaultValue: null });
    });

    it('removes a leftover subscription by the path it was stored under', async () => {
      await lastValueFrom(sources.subscribeThing$('th.monitor', news), { defaultValue: null });
      const [path] = sources.leftoverSubscriptions();
      await lastValueFrom(sources.unsubscribePath$(path), { defaultValue: null });
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual([]);
      expect(sources.leftoverSubscriptions()).toEqual([]);
    });

    it('reports a refused subscription and a failed unsubscription', async () => {
      const refused = await failure(sources.subscribeThing$('th.monitor', diary), () => undefined);
      expect(refused.kind).toBe('auth');
      expect(refused.errorCode).toBe('UNAUTHORIZED');
      expect(sources.leftoverSubscriptions()).toEqual([]);
      browser.sdk.reachable = false;
      const failed = await failure(sources.unsubscribeThing$('th.monitor', news), () => undefined);
      expect(failed.kind).toBe('network');
    });
  });
});
