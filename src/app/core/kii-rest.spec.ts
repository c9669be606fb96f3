import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from './kii-error';
import { KiiRest } from './kii-rest';
import { SessionStore } from './session';

const BASE = 'http://127.0.0.1:8080/api';

describe('KiiRest', () => {
  let browser: TestBrowser;
  let rest: KiiRest;
  let http: HttpTestingController;

  beforeEach(() => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({ providers: provideTestBrowser(browser) });
    rest = TestBed.inject(KiiRest);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function signIn() {
    await firstValueFrom(
      TestBed.inject(SessionStore).signIn$({
        site: 'local',
        baseUrl: BASE,
        appId: 'demoapp',
        appKey: 'demoappkey',
        credentials: {
          kind: 'admin',
          clientId: 'demo-client-id',
          clientSecret: 'demo-client-secret',
        },
        rememberSecret: false,
      }),
    );
  }

  it("sends the session's app headers, token and Kii media type", async () => {
    await signIn();
    const result = firstValueFrom(
      rest.app$<{ installationID: string }>('POST', '/installations', {
        body: { deviceType: 'MQTT', userID: 'u1' },
        contentType: 'application/vnd.kii.InstallationCreationRequest+json',
      }),
    );
    const request = http.expectOne(`${BASE}/apps/demoapp/installations`);
    expect(request.request.method).toBe('POST');
    expect(request.request.headers.get('x-kii-appid')).toBe('demoapp');
    expect(request.request.headers.get('x-kii-appkey')).toBe('demoappkey');
    expect(request.request.headers.get('authorization')).toMatch(/^Bearer \S+$/);
    expect(request.request.headers.get('content-type')).toBe(
      'application/vnd.kii.InstallationCreationRequest+json',
    );
    expect(JSON.parse(request.request.body)).toEqual({ deviceType: 'MQTT', userID: 'u1' });
    request.flush({ installationID: 'i1' }, { status: 201, statusText: 'Created' });
    expect(await result).toEqual({ installationID: 'i1' });
  });

  it('reaches the local extensions with query parameters', async () => {
    await signIn();
    const result = firstValueFrom(
      rest.extension$('GET', '/installations', { query: { limit: 50, userID: undefined } }),
    );
    http
      .expectOne(`${BASE}/x-local/v1/apps/demoapp/installations?limit=50`)
      .flush({ installations: [], total: 0 });
    expect(await result).toEqual({ installations: [], total: 0 });
  });

  it("turns Kii's error envelope into a KiiError", async () => {
    await signIn();
    const result = firstValueFrom(rest.app$('GET', '/installations/nope'));
    http
      .expectOne(`${BASE}/apps/demoapp/installations/nope`)
      .flush(
        { errorCode: 'INSTALLATION_NOT_FOUND', message: 'Installation nope was not found' },
        { status: 404, statusText: 'Not Found' },
      );
    const error = await result.then(
      () => undefined,
      (e: KiiError) => e,
    );
    expect(error?.kind).toBe('not-found');
    expect(error?.errorCode).toBe('INSTALLATION_NOT_FOUND');
    expect(error?.status).toBe(404);
  });

  it('fails with auth, sending nothing, when nobody is signed in', async () => {
    const error = await firstValueFrom(rest.app$('GET', '/installations/x')).then(
      () => undefined,
      (e: KiiError) => e,
    );
    expect(error?.kind).toBe('auth');
  });
});
