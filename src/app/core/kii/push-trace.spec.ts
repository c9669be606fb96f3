import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEST_BASE_URL } from '../../../testing/admin-session';
import { LOCAL_INFO } from '../../../testing/connect-page-harness';
import { ALICE_LOGIN, signInAt } from '../../../testing/installations-setup';
import { settle } from '../../../testing/installation-sessions';
import { PUSH_BODY } from '../../../testing/trace-fixtures';
import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { KiiError } from '../kii-error';
import { LOCAL_INFO_PATH, LocalServer } from '../local-server';
import { PushTrace } from './push-trace';

const X_LOCAL = `${TEST_BASE_URL}/x-local/v1/apps/demoapp`;

describe('PushTrace', () => {
  let trace: PushTrace;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    trace = TestBed.inject(PushTrace);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  /** The local server's discovery, answered with or without the trace extension. */
  async function discover(extensions: readonly string[]) {
    TestBed.inject(LocalServer);
    await settle();
    http.expectOne(`${TEST_BASE_URL}${LOCAL_INFO_PATH}`).flush({ ...LOCAL_INFO, extensions });
    await settle();
  }

  it('is available to the app admin of the local server that lists "trace"', async () => {
    expect(trace.available()).toBeNull();
    await discover([...LOCAL_INFO.extensions, 'trace']);
    expect(trace.available()).toBeNull(); // nobody signed in yet
    await signInAt('local');
    expect(trace.available()).toBeTrue();
  });

  it('is not available without the extension, on Kii Cloud, or to a user', async () => {
    await discover(LOCAL_INFO.extensions);
    await signInAt('local');
    expect(trace.available()).toBeFalse();
    await signInAt('cloud');
    expect(trace.available()).toBeFalse();
  });

  it('is not available to a user of the local server', async () => {
    await discover(['trace']);
    await signInAt('local', ALICE_LOGIN);
    expect(trace.available()).toBeFalse();
  });

  describe('as the app admin', () => {
    beforeEach(async () => {
      await discover(['installations', 'trace']);
      await signInAt('local');
    });

    it('reads a push report with its rows, owners and write times', async () => {
      const report = firstValueFrom(trace.report$('p 1', { outcome: 'NOT_CONNECTED', limit: 5 }));
      await settle();
      const request = http.expectOne((r) => r.url === `${X_LOCAL}/pushes/p%201`);
      expect(request.request.params.get('outcome')).toBe('NOT_CONNECTED');
      expect(request.request.params.get('limit')).toBe('5');
      expect(request.request.headers.get('authorization')).toMatch(/^Bearer /);
      request.flush({
        ...PUSH_BODY,
        recipientRows: [
          {
            installationID: 'i-1',
            userID: 'u-1',
            outcome: 'DELIVERED',
            connectionID: 'c-1',
            transport: 'ws',
            writtenAt: 1003,
          },
          { installationID: null, thingID: 'th.1', outcome: 'NO_MQTT_INSTALLATION' },
        ],
        nextPaginationKey: '2',
      });
      const answer = await report;
      expect(answer.summary.delivered).toBe(1);
      expect(answer.summary.timeToWriteMs).toEqual({ p50: 3, p99: 4, max: 4 });
      expect(answer.nextKey).toBe('2');
      expect(answer.rows).toEqual([
        {
          installationID: 'i-1',
          owner: { kind: 'user', id: 'u-1' },
          outcome: 'DELIVERED',
          detail: null,
          connectionID: 'c-1',
          transport: 'ws',
          writtenAt: 1003,
        },
        {
          installationID: null,
          owner: { kind: 'thing', id: 'th.1' },
          outcome: 'NO_MQTT_INSTALLATION',
          detail: null,
          connectionID: null,
          transport: null,
          writtenAt: null,
        },
      ]);
    });

    it('fails with the KiiError of a 404 PUSH_MESSAGE_NOT_FOUND', async () => {
      const report = firstValueFrom(trace.report$('gone'));
      await settle();
      http
        .expectOne(`${X_LOCAL}/pushes/gone`)
        .flush(
          { errorCode: 'PUSH_MESSAGE_NOT_FOUND', message: 'No record' },
          { status: 404, statusText: 'Not Found' },
        );
      await expectAsync(report).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ status: 404, errorCode: 'PUSH_MESSAGE_NOT_FOUND' }),
      );
    });

    it('refuses an incomplete push record', async () => {
      const report = firstValueFrom(trace.report$('p-1'));
      await settle();
      http.expectOne(`${X_LOCAL}/pushes/p-1`).flush({ target: 'x' });
      await expectAsync(report).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'server' }),
      );
    });

    it("reads an installation's connections", async () => {
      const history = firstValueFrom(trace.connections$('i-1'));
      await settle();
      http.expectOne(`${X_LOCAL}/installations/i-1/connections`).flush({
        installationID: 'i-1',
        connected: false,
        lastSeenAt: 2000,
        connections: [{ connectionID: 'c-1', transport: 'tcp', closedAt: 2000 }],
      });
      const answer = await history;
      expect(answer.connected).toBeFalse();
      expect(answer.lastSeenAt).toBe(2000);
      expect(answer.connections[0].connectionID).toBe('c-1');
    });

    it("reads one push's outcome for an installation, or none", async () => {
      const outcome = firstValueFrom(trace.outcome$('i-1', 'p-1'));
      await settle();
      const request = http.expectOne((r) => r.url === `${X_LOCAL}/installations/i-1/deliveries`);
      expect(request.request.params.get('pushMessageID')).toBe('p-1');
      request.flush({ installationID: 'i-1', push: PUSH_BODY, deliveries: [] });
      const answer = await outcome;
      expect(answer.row).toBeNull();
      expect(answer.push.sendToProduction).toBeFalse();
    });

    it('lists the pushes an installation was sent, newest first', async () => {
      const deliveries = firstValueFrom(trace.deliveries$('i-1', 3));
      await settle();
      const request = http.expectOne((r) => r.url === `${X_LOCAL}/installations/i-1/deliveries`);
      expect(request.request.params.get('limit')).toBe('3');
      request.flush({
        installationID: 'i-1',
        deliveries: [
          {
            pushMessageID: 'p-2',
            sentAt: 5,
            target: 'kiicloud://users/u-1',
            installationID: 'i-1',
            userID: 'u-1',
            outcome: 'ENVIRONMENT_FILTERED',
          },
        ],
      });
      const [first] = await deliveries;
      expect(first.pushMessageID).toBe('p-2');
      expect(first.row.outcome).toBe('ENVIRONMENT_FILTERED');
    });

    it("lists an owner's installations with whether each is connected", async () => {
      const owner = { kind: 'thing' as const, id: 'th.1', name: 'door' };
      const found = firstValueFrom(trace.installationsOf$(owner));
      await settle();
      const request = http.expectOne((r) => r.url === `${X_LOCAL}/installations`);
      expect(request.request.params.get('thingID')).toBe('th.1');
      request.flush({
        installations: [
          {
            installationID: 'i-9',
            installationRegistrationID: 'r-9',
            deviceType: 'MQTT',
            development: true,
            thingID: 'th.1',
            createdAt: 7,
            connected: true,
            lastSeenAt: 8,
          },
        ],
        total: 1,
      });
      expect(await found).toEqual([
        {
          installationID: 'i-9',
          registrationID: 'r-9',
          deviceType: 'MQTT',
          development: true,
          owner,
          createdAt: 7,
          lastSeen: { connected: true, at: 8 },
        },
      ]);
    });
  });
});
