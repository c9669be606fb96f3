import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEAM_APP_ID, signInToTeam } from '../../../testing/team-session';
import { createTestBrowser, provideTestBrowser } from '../../../testing/test-providers';
import { KiiError } from '../../core/kii-error';
import { APP_SCOPE } from '../../core/kii/topic-scope';
import { CSRF_HEADER } from '../../core/team/team-api';
import { MonitorSources } from './monitor-sources';

describe('MonitorSources in team mode', () => {
  let http: HttpTestingController;
  let sources: MonitorSources;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam('operator');
    sources = TestBed.inject(MonitorSources);
  });
  afterEach(() => http.verify());

  it("gets an installation's endpoint from the monitor route, its ttl as the TTL", async () => {
    const endpoint = firstValueFrom(sources.installationEndpoint$('i/1'));
    const request = http.expectOne(`/team/api/apps/${TEAM_APP_ID}/monitors/installation/i%2F1`);
    expect(request.request.method).toBe('POST');
    expect(request.request.headers.get(CSRF_HEADER)).toBe('csrf-operator');
    request.flush({
      host: '127.0.0.1',
      portWS: 8081,
      portWSS: 0,
      username: 'u',
      password: 'p',
      mqttTopic: 'topic-i1',
      ttl: 600,
      expiresAt: Date.now() + 600_000,
      installationID: 'i/1',
      takeover: true,
    });
    const answer = await endpoint;
    expect(answer.mqttTopic).toBe('topic-i1');
    expect(answer.portWS).toBe(8081);
    expect(answer.ttlSeconds).toBe(600);
    expect(answer.installationID).toBe('i/1');
  });

  it('passes a refused role on as forbidden', async () => {
    const endpoint = firstValueFrom(sources.installationEndpoint$('i-2'));
    http
      .expectOne(`/team/api/apps/${TEAM_APP_ID}/monitors/installation/i-2`)
      .flush(
        { error: { code: 'FORBIDDEN', message: 'needs operator' } },
        { status: 403, statusText: 'Forbidden' },
      );
    await expectAsync(endpoint).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({ kind: 'forbidden', errorCode: 'FORBIDDEN' }),
    );
  });

  it("asks the monitor route to subscribe its monitor thing and answers that thing's endpoint", async () => {
    const endpoint = firstValueFrom(sources.teamTopicEndpoint$({ scope: APP_SCOPE, name: 'news' }));
    const request = http.expectOne(`/team/api/apps/${TEAM_APP_ID}/monitors/topic`);
    expect(request.request.method).toBe('POST');
    expect(request.request.headers.get(CSRF_HEADER)).toBe('csrf-operator');
    expect(JSON.parse(request.request.body as string)).toEqual({ scope: 'app', topicID: 'news' });
    request.flush({
      host: '127.0.0.1',
      portWS: 8081,
      portWSS: 0,
      username: 'monitor-user',
      password: 'p',
      mqttTopic: 'topic-monitor',
      ttl: 300,
      expiresAt: Date.now() + 300_000,
      thingID: 'th.monitor',
    });
    const answer = await endpoint;
    expect(answer.mqttTopic).toBe('topic-monitor');
    expect(answer.username).toBe('monitor-user');
    expect(answer.ttlSeconds).toBe(300);
  });

  it('stops a topic monitor through the same route, the topic ID encoded', async () => {
    const stopped = firstValueFrom(sources.teamTopicStop$({ scope: APP_SCOPE, name: 'a b' }));
    const request = http.expectOne(`/team/api/apps/${TEAM_APP_ID}/monitors/topic/app/a%20b`);
    expect(request.request.method).toBe('DELETE');
    request.flush(null, { status: 204, statusText: 'No Content' });
    await expectAsync(stopped).toBeResolved();
  });
});
