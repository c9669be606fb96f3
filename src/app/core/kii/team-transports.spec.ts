import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { PushSender } from '../../compose/push-sender';
import { TEAM_APP_ID, signInToTeam } from '../../../testing/team-session';
import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { KiiError } from '../kii-error';
import { PrincipalLookup } from '../principal-lookup';
import { CSRF_HEADER } from '../team/team-api';
import { PushInstallations } from './push-installations';
import { PushTopics } from './push-topics';
import { TeamPushInstallations } from './team-push-installations';
import { TeamPushTopics } from './team-push-topics';

const BASE = `/team/api/apps/${TEAM_APP_ID}`;
const ALICE = { kind: 'user' as const, id: 'user-alice-id', name: 'alice' };
const error = (fields: Partial<KiiError>) => jasmine.objectContaining<KiiError>(fields);

describe('Team transports of the Kii client layer', () => {
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam('operator');
  });
  afterEach(() => http.verify());

  it('picks the team transports once the mode is team', () => {
    expect(TestBed.inject(PushInstallations)).toBeInstanceOf(TeamPushInstallations);
    expect(TestBed.inject(PushTopics)).toBeInstanceOf(TeamPushTopics);
  });

  describe('installations', () => {
    let push: PushInstallations;
    beforeEach(() => (push = TestBed.inject(PushInstallations)));

    it('installs for a user through the console server, with the CSRF token', async () => {
      const answer = firstValueFrom(push.install$({ owner: ALICE, development: true }));
      const request = http.expectOne(`${BASE}/installations`);
      expect(request.request.method).toBe('POST');
      expect(request.request.headers.get(CSRF_HEADER)).toBe('csrf-operator');
      expect(JSON.parse(request.request.body)).toEqual({
        userID: 'user-alice-id',
        development: true,
      });
      request.flush(
        { installationID: 'i-1', installationRegistrationID: 'r-1', created: true },
        { status: 201, statusText: 'Created' },
      );
      expect(await answer).toEqual({ installationID: 'i-1', registrationID: 'r-1' });
    });

    it('looks one up by registration ID and keeps who added it', async () => {
      const found = firstValueFrom(
        push.get$({ by: 'registration', deviceType: 'MQTT', registrationID: 'r/1' }),
      );
      http.expectOne(`${BASE}/installations/MQTT:r%2F1`).flush({
        installationID: 'i-1',
        registrationID: 'r/1',
        deviceType: 'MQTT',
        owner: { type: 'thing', id: 'th.1' },
        ownerName: 'door-1',
        development: false,
        addedBy: 'olivia',
        addedAt: 1_700_000_000_000,
      });
      expect(await found).toEqual(
        jasmine.objectContaining({
          installationID: 'i-1',
          owner: { kind: 'thing', id: 'th.1', name: 'door-1' },
          createdAt: 1_700_000_000_000,
          addedBy: 'olivia',
        }),
      );
    });

    it("reads the endpoint's ttlSeconds and says not-ready on 503", async () => {
      const endpoint = firstValueFrom(push.endpoint$('i-1'));
      http.expectOne(`${BASE}/installations/i-1/mqtt-endpoint`).flush({
        installationID: 'i-1',
        username: 'u',
        password: 'p',
        mqttTopic: 't',
        host: '127.0.0.1',
        portTCP: 1883,
        portSSL: 0,
        portWS: 8080,
        portWSS: 0,
        ttlSeconds: 600,
      });
      expect((await endpoint).ttlSeconds).toBe(600);
      const waiting = firstValueFrom(push.endpoint$('i-2'));
      http
        .expectOne(`${BASE}/installations/i-2/mqtt-endpoint`)
        .flush(
          { error: { code: 'KII_UNAVAILABLE', message: 'x', details: { kii: { status: 503 } } } },
          { status: 503, statusText: 'Service Unavailable' },
        );
      await expectAsync(waiting).toBeRejectedWith(error({ kind: 'not-ready' }));
    });

    it('uninstalls, and reports a refused role as forbidden', async () => {
      const done = firstValueFrom(push.uninstall$({ by: 'id', installationID: 'i-1' }), {
        defaultValue: undefined,
      });
      const request = http.expectOne(`${BASE}/installations/i-1`);
      expect(request.request.method).toBe('DELETE');
      request.flush(null, { status: 204, statusText: 'No Content' });
      await done;
      const refused = firstValueFrom(push.uninstall$({ by: 'id', installationID: 'i-2' }));
      http
        .expectOne(`${BASE}/installations/i-2`)
        .flush(
          { error: { code: 'FORBIDDEN', message: 'needs operator' } },
          { status: 403, statusText: 'Forbidden' },
        );
      await expectAsync(refused).toBeRejectedWith(
        error({ kind: 'forbidden', errorCode: 'FORBIDDEN' }),
      );
    });

    it('refuses to install without an owner, before any request', async () => {
      await expectAsync(firstValueFrom(push.install$({ development: false }))).toBeRejectedWith(
        error({ kind: 'invalid' }),
      );
    });
  });

  describe('topics and subscriptions', () => {
    let topics: PushTopics;
    beforeEach(() => (topics = TestBed.inject(PushTopics)));

    it('lists a user scope page by page', async () => {
      const page = firstValueFrom(topics.list$({ kind: 'user', owner: ALICE }, 'next-1'));
      const request = http.expectOne((r) => r.url === `${BASE}/topics`);
      expect(request.request.params.get('scope')).toBe('user:user-alice-id');
      expect(request.request.params.get('cursor')).toBe('next-1');
      request.flush({ topics: [{ topicID: 'inbox' }], nextCursor: 'next-2' });
      expect(await page).toEqual({ names: ['inbox'], nextKey: 'next-2' });
    });

    it('creates and deletes a topic', async () => {
      const created = firstValueFrom(topics.create$({ scope: { kind: 'app' }, name: 'news' }), {
        defaultValue: undefined,
      });
      const post = http.expectOne(`${BASE}/topics`);
      expect(JSON.parse(post.request.body)).toEqual({ scope: 'app', topicID: 'news' });
      post.flush({ scope: 'app', topicID: 'news' }, { status: 201, statusText: 'Created' });
      await created;
      const deleted = firstValueFrom(topics.delete$({ scope: { kind: 'app' }, name: 'news' }), {
        defaultValue: undefined,
      });
      const del = http.expectOne(`${BASE}/topics/app/news`);
      expect(del.request.method).toBe('DELETE');
      del.flush(null, { status: 204, statusText: 'No Content' });
      await deleted;
    });

    it('checks, subscribes and reports a missing topic by its Kii code', async () => {
      const topic = { scope: { kind: 'app' as const }, name: 'news' };
      const path = `${BASE}/topics/app/news/subscriptions/user%3Auser-alice-id`;
      const checked = firstValueFrom(topics.isSubscribed$(topic, ALICE));
      http.expectOne(path).flush({ subscribed: false });
      expect(await checked).toBeFalse();
      const subscribed = firstValueFrom(topics.subscribe$(topic, ALICE), {
        defaultValue: undefined,
      });
      const put = http.expectOne(path);
      expect(put.request.method).toBe('PUT');
      put.flush({ subscribed: true, already: false });
      await subscribed;
      const missing = firstValueFrom(topics.unsubscribe$(topic, ALICE));
      http.expectOne(path).flush(
        {
          error: {
            code: 'KII_NOT_FOUND',
            message: 'no topic',
            details: { kii: { status: 404, errorCode: 'TOPIC_NOT_FOUND' } },
          },
        },
        { status: 404, statusText: 'Not Found' },
      );
      await expectAsync(missing).toBeRejectedWith(
        error({ kind: 'not-found', errorCode: 'TOPIC_NOT_FOUND' }),
      );
    });

    it('refuses a topic name Kii would refuse, before any request', async () => {
      await expectAsync(
        firstValueFrom(topics.create$({ scope: { kind: 'app' }, name: 'no spaces' })),
      ).toBeRejectedWith(error({ kind: 'invalid' }));
    });
  });

  it("sends a test push to a thing's topic through the push route", async () => {
    const sent = firstValueFrom(
      TestBed.inject(PushSender).send$(
        {
          kind: 'topic',
          topic: {
            scope: { kind: 'thing', owner: { kind: 'thing', id: 'th.1', name: 'd' } },
            name: 'alerts',
          },
        },
        { data: { hello: 'world' } } as never,
      ),
    );
    const request = http.expectOne(`${BASE}/push`);
    expect(JSON.parse(request.request.body)).toEqual({
      target: { kind: 'thing-topic', thingID: 'th.1', topicID: 'alerts' },
      message: { data: { hello: 'world' } },
    });
    request.flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
    expect(await sent).toBe('pm-1');
  });

  it('takes a user or thing by ID as typed, and refuses a name with what to type', async () => {
    const lookup = TestBed.inject(PrincipalLookup);
    expect(
      await firstValueFrom(lookup.resolve$({ kind: 'thing', by: 'id', value: ' th.9 ' })),
    ).toEqual({ kind: 'thing', id: 'th.9', name: 'th.9' });
    await expectAsync(
      firstValueFrom(lookup.resolve$({ kind: 'user', by: 'name', value: 'alice' })),
    ).toBeRejectedWith(
      jasmine.objectContaining({ kind: 'invalid', detail: jasmine.stringContaining('userID') }),
    );
  });
});
