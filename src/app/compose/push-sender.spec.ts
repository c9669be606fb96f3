import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEST_APP_URL, signInAsAdmin } from '../../testing/admin-session';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from '../core/kii-error';
import { DEFAULT_SEND_FLAGS, buildPushBody } from './push-message';
import { PushSender, SEND_PUSH_MEDIA_TYPE } from './push-sender';
import { PushTarget } from './push-target';

const BODY = buildPushBody({
  data: { message: 'hi' },
  mqttData: null,
  development: true,
  production: true,
  flags: DEFAULT_SEND_FLAGS,
});

describe('PushSender', () => {
  let sender: PushSender;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    sender = TestBed.inject(PushSender);
    http = TestBed.inject(HttpTestingController);
    await signInAsAdmin();
  });
  afterEach(() => http.verify());

  describe('resolve$', () => {
    it('needs no lookup for an app topic', async () => {
      const target = await firstValueFrom(
        sender.resolve$({ kind: 'app-topic', by: 'name', owner: '', topic: ' news ' }),
      );
      expect(target).toEqual({ kind: 'topic', topic: { scope: { kind: 'app' }, name: 'news' } });
    });

    it("looks up a thing topic's owner by vendor thing ID", async () => {
      const target = firstValueFrom(
        sender.resolve$({ kind: 'thing-topic', by: 'name', owner: 'door-1', topic: 'commands' }),
      );
      http
        .expectOne(`${TEST_APP_URL}/things/VENDOR_THING_ID:door-1`)
        .flush({ _thingID: 'th.1', _vendorThingID: 'door-1' });
      expect(await target).toEqual({
        kind: 'topic',
        topic: {
          scope: { kind: 'thing', owner: { kind: 'thing', id: 'th.1', name: 'door-1' } },
          name: 'commands',
        },
      });
    });

    it("fails when a direct push's user does not exist", async () => {
      const target = firstValueFrom(
        sender.resolve$({ kind: 'user', by: 'id', owner: 'ghost', topic: '' }),
      );
      http
        .expectOne(`${TEST_APP_URL}/users/ghost`)
        .flush(
          { errorCode: 'USER_NOT_FOUND', message: 'User userID ghost was not found' },
          { status: 404, statusText: 'Not Found' },
        );
      await expectAsync(target).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ errorCode: 'USER_NOT_FOUND' }),
      );
    });
  });

  describe('send$', () => {
    it("posts a topic push with Kii's media type and answers the pushMessageID", async () => {
      const target: PushTarget = {
        kind: 'topic',
        topic: {
          scope: { kind: 'user', owner: { kind: 'user', id: 'u 1', name: 'alice' } },
          name: 'inbox',
        },
      };
      const id = firstValueFrom(sender.send$(target, BODY));
      const request = http.expectOne(`${TEST_APP_URL}/users/u%201/topics/inbox/push/messages`);
      expect(request.request.method).toBe('POST');
      expect(request.request.headers.get('content-type')).toBe(SEND_PUSH_MEDIA_TYPE);
      expect(JSON.parse(request.request.body)).toEqual(JSON.parse(JSON.stringify(BODY)));
      request.flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
      expect(await id).toBe('pm-1');
    });

    it('posts a direct push to the user', async () => {
      const id = firstValueFrom(
        sender.send$({ kind: 'user', user: { kind: 'user', id: 'u1', name: 'alice' } }, BODY),
      );
      http
        .expectOne(`${TEST_APP_URL}/users/u1/push/messages`)
        .flush({ pushMessageID: 'pm-2' }, { status: 201, statusText: 'Created' });
      expect(await id).toBe('pm-2');
    });

    it("fails with the server's errorCode, naming the field", async () => {
      const id = firstValueFrom(
        sender.send$({ kind: 'topic', topic: { scope: { kind: 'app' }, name: 'news' } }, BODY),
      );
      http.expectOne(`${TEST_APP_URL}/topics/news/push/messages`).flush(
        {
          errorCode: 'INVALID_INPUT_DATA',
          message: 'Invalid input data: data.deep must not be an object or an array',
          invalidFields: { 'data.deep': 'must not be an object or an array' },
        },
        { status: 400, statusText: 'Bad Request' },
      );
      await expectAsync(id).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({
          kind: 'invalid',
          status: 400,
          errorCode: 'INVALID_INPUT_DATA',
          detail: 'Invalid input data: data.deep must not be an object or an array',
        }),
      );
    });
  });
});
