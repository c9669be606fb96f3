import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEST_APP_URL, signInAsAdmin, signInAsUser } from '../../../testing/admin-session';
import { settle, signInAsThing } from '../../../testing/installation-sessions';
import {
  TestBrowser,
  createTestBrowser,
  provideTestBrowser,
} from '../../../testing/test-providers';
import { KiiError } from '../kii-error';
import { ENDPOINT_RETRY } from './mqtt-endpoint';
import { PushInstallations } from './push-installations';

const ALICE = { kind: 'user' as const, id: 'user-alice-id', name: 'alice' };
const SENSOR = { kind: 'thing' as const, id: 'th.sensor-1-id', name: 'sensor-1' };

const endpointBody = (id: string) => ({
  installationID: id,
  username: 'mqtt-user',
  password: 'mqtt-pass',
  mqttTopic: 'topic-1',
  host: '127.0.0.1',
  portTCP: 1883,
  portSSL: 0,
  portWS: 8080,
  portWSS: 0,
  'X-MQTT-TTL': 3600,
});

const notReadyBody = { errorCode: 'MQTT_ENDPOINT_NOT_READY', message: 'being prepared' };
const status503 = { status: 503, statusText: 'Service Unavailable' };

describe('PushInstallations', () => {
  let browser: TestBrowser;
  let push: PushInstallations;
  let http: HttpTestingController;

  beforeEach(() => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({
      providers: [
        ...provideTestBrowser(browser),
        { provide: ENDPOINT_RETRY, useValue: { attempts: 3, delayMs: 1 } },
      ],
    });
    push = TestBed.inject(PushInstallations);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  describe('as the app admin (REST)', () => {
    beforeEach(() => signInAsAdmin());

    it('installs for a user with userID in the body and Kii media type', async () => {
      const answer = firstValueFrom(push.install$({ owner: ALICE, development: true }));
      await settle();
      const request = http.expectOne(`${TEST_APP_URL}/installations`);
      expect(request.request.method).toBe('POST');
      expect(JSON.parse(request.request.body)).toEqual({
        deviceType: 'MQTT',
        development: true,
        userID: 'user-alice-id',
      });
      expect(request.request.headers.get('content-type')).toBe(
        'application/vnd.kii.InstallationCreationRequest+json',
      );
      request.flush({ installationID: 'i-1', installationRegistrationID: 'r-1' });
      expect(await answer).toEqual({ installationID: 'i-1', registrationID: 'r-1' });
    });

    it('installs for a thing with thingID', async () => {
      const answer = firstValueFrom(push.install$({ owner: SENSOR, development: false }));
      await settle();
      const request = http.expectOne(`${TEST_APP_URL}/installations`);
      expect(JSON.parse(request.request.body).thingID).toBe('th.sensor-1-id');
      request.flush({ installationID: 'i-2', installationRegistrationID: 'r-2' });
      expect((await answer).installationID).toBe('i-2');
    });

    it('fails with USER_NOT_FOUND as a KiiError', async () => {
      const answer = firstValueFrom(push.install$({ owner: ALICE, development: false }));
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations`)
        .flush(
          { errorCode: 'USER_NOT_FOUND', message: 'gone' },
          { status: 404, statusText: 'Not Found' },
        );
      await expectAsync(answer).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({
          kind: 'not-found',
          errorCode: 'USER_NOT_FOUND',
          status: 404,
        }),
      );
    });

    it('refuses to install without an owner, before any request', async () => {
      await expectAsync(firstValueFrom(push.install$({ development: false }))).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'invalid', status: -1 }),
      );
    });

    it('gets an installation by registration ID, keeping the colon', async () => {
      const found = firstValueFrom(
        push.get$({ by: 'registration', deviceType: 'MQTT', registrationID: 'r/1' }),
      );
      http.expectOne(`${TEST_APP_URL}/installations/MQTT:r%2F1`).flush({
        installationID: 'i-1',
        installationRegistrationID: 'r/1',
        deviceType: 'MQTT',
        thingID: 'th.1',
        development: true,
      });
      expect(await found).toEqual({
        installationID: 'i-1',
        registrationID: 'r/1',
        deviceType: 'MQTT',
        development: true,
        owner: { kind: 'thing', id: 'th.1', name: 'th.1' },
        createdAt: null,
      });
    });

    it('fails to get an unknown installation with INSTALLATION_NOT_FOUND', async () => {
      const found = firstValueFrom(push.get$({ by: 'id', installationID: 'nope' }));
      http
        .expectOne(`${TEST_APP_URL}/installations/nope`)
        .flush(
          { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
          { status: 404, statusText: 'Not Found' },
        );
      await expectAsync(found).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ errorCode: 'INSTALLATION_NOT_FOUND', status: 404 }),
      );
    });

    it('retries the endpoint on 503 and then succeeds', async () => {
      const endpoint = firstValueFrom(push.endpoint$('i-1'));
      const url = `${TEST_APP_URL}/installations/i-1/mqtt-endpoint`;
      await settle();
      http.expectOne(url).flush(notReadyBody, status503);
      await settle(10);
      http.expectOne(url).flush(notReadyBody, status503);
      await settle(10);
      http.expectOne(url).flush(endpointBody('i-1'));
      const answer = await endpoint;
      expect(answer.password).toBe('mqtt-pass');
      expect(answer.ttlSeconds).toBe(3600);
      expect(answer.portWS).toBe(8080);
      expect(answer.receivedAt).toBeCloseTo(Date.now(), -3);
    });

    it('reports "not ready" after the third 503', async () => {
      const endpoint = firstValueFrom(push.endpoint$('i-1'));
      const url = `${TEST_APP_URL}/installations/i-1/mqtt-endpoint`;
      for (let attempt = 0; attempt < 3; attempt++) {
        await settle(10);
        http.expectOne(url).flush({ message: 'busy' }, status503);
      }
      await expectAsync(endpoint).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({
          kind: 'not-ready',
          status: 503,
          errorCode: 'MQTT_ENDPOINT_NOT_READY',
        }),
      );
      http.expectNone(url);
    });

    it('does not retry other failures', async () => {
      const endpoint = firstValueFrom(push.endpoint$('i-1'));
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations/i-1/mqtt-endpoint`)
        .flush(
          { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
          { status: 404, statusText: 'Not Found' },
        );
      await expectAsync(endpoint).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'not-found' }),
      );
    });

    it('uninstalls by installation ID and by registration ID', async () => {
      const byId = firstValueFrom(push.uninstall$({ by: 'id', installationID: 'i-1' }), {
        defaultValue: 'done',
      });
      await settle();
      const first = http.expectOne(`${TEST_APP_URL}/installations/i-1`);
      expect(first.request.method).toBe('DELETE');
      first.flush(null, { status: 204, statusText: 'No Content' });
      await byId;

      const byReg = firstValueFrom(
        push.uninstall$({ by: 'registration', deviceType: 'MQTT', registrationID: 'r-1' }),
        { defaultValue: 'done' },
      );
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations/MQTT:r-1`)
        .flush(null, { status: 204, statusText: 'No Content' });
      await byReg;
    });

    it('fails to uninstall what is gone', async () => {
      const result = firstValueFrom(push.uninstall$({ by: 'id', installationID: 'gone' }));
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations/gone`)
        .flush(
          { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
          { status: 404, statusText: 'Not Found' },
        );
      await expectAsync(result).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'not-found' }),
      );
    });
  });

  describe('as a user (SDK)', () => {
    beforeEach(() => signInAsUser());

    it('installs for itself through the SDK; a repeat returns the same IDs', async () => {
      const first = await firstValueFrom(push.install$({ development: false }));
      const again = await firstValueFrom(push.install$({ owner: ALICE, development: false }));
      expect(again).toEqual(first);
      expect(browser.sdk.calls).toContain('installMqtt users/user-alice-id false');
    });

    it('refuses to install for someone else', async () => {
      await expectAsync(
        firstValueFrom(push.install$({ owner: SENSOR, development: false })),
      ).toBeRejectedWith(jasmine.objectContaining<KiiError>({ kind: 'invalid' }));
    });

    it('fails to install when the site is unreachable', async () => {
      browser.sdk.reachable = false;
      await expectAsync(firstValueFrom(push.install$({ development: true }))).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'network', status: 0 }),
      );
    });

    it('gets the endpoint through the SDK, which retried a 503 itself', async () => {
      const own = browser.sdk.installations.add('users/user-alice-id');
      browser.sdk.installations.notReadyAttempts = 2;
      const endpoint = await firstValueFrom(push.endpoint$(own.installationID));
      expect(endpoint.mqttTopic).toBe(`topic-${own.installationID}`);
    });

    it('says "not ready" when the SDK gave up on 503', async () => {
      const own = browser.sdk.installations.add('users/user-alice-id');
      browser.sdk.installations.notReadyAttempts = 3;
      await expectAsync(firstValueFrom(push.endpoint$(own.installationID))).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({
          kind: 'not-ready',
          errorCode: 'MQTT_ENDPOINT_NOT_READY',
        }),
      );
    });

    it('uninstalls its own installation by either ID through the SDK', async () => {
      const a = browser.sdk.installations.add('users/user-alice-id');
      await firstValueFrom(push.uninstall$({ by: 'id', installationID: a.installationID }), {
        defaultValue: 0,
      });
      const b = browser.sdk.installations.add('users/user-alice-id', { deviceType: 'ANDROID' });
      await firstValueFrom(
        push.uninstall$({
          by: 'registration',
          deviceType: 'ANDROID',
          registrationID: b.registrationID,
        }),
        { defaultValue: 0 },
      );
      expect(browser.sdk.installations.all.size).toBe(0);
    });

    it("is refused uninstalling someone else's installation", async () => {
      const other = browser.sdk.installations.add('users/someone-else');
      await expectAsync(
        firstValueFrom(push.uninstall$({ by: 'id', installationID: other.installationID })),
      ).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ status: 401, errorCode: 'UNAUTHORIZED' }),
      );
      expect(browser.sdk.installations.all.size).toBe(1);
    });

    it('uninstalls JPUSH through REST, which the SDK refuses client-side', async () => {
      const result = firstValueFrom(
        push.uninstall$({ by: 'registration', deviceType: 'JPUSH', registrationID: 'j-1' }),
        { defaultValue: 0 },
      );
      await settle();
      const request = http.expectOne(`${TEST_APP_URL}/installations/JPUSH:j-1`);
      expect(request.request.method).toBe('DELETE');
      request.flush(null, { status: 204, statusText: 'No Content' });
      await result;
    });
  });

  describe('as a thing (SDK)', () => {
    beforeEach(() => signInAsThing());

    it('installs for itself', async () => {
      const answer = await firstValueFrom(push.install$({ development: true }));
      expect(browser.sdk.installations.all.get(answer.installationID)?.owner).toBe(
        'things/th.sensor-1-id',
      );
    });

    it('fails to get the endpoint of an unknown installation', async () => {
      await expectAsync(firstValueFrom(push.endpoint$('nope'))).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({
          kind: 'not-found',
          errorCode: 'INSTALLATION_NOT_FOUND',
        }),
      );
    });
  });

  it('fails every call with "auth" when nobody is signed in', async () => {
    await expectAsync(firstValueFrom(push.endpoint$('i-1'))).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({ kind: 'auth' }),
    );
  });
});
