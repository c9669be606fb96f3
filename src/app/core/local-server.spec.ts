import { TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';

import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { LocalServer, LocalServerInfo } from './local-server';

const INFO_URL = 'http://127.0.0.1:8080/api/x-local/v1/info';

const INFO: LocalServerInfo = {
  server: 'kii-push-local',
  version: '0.1.0',
  extensions: ['installations', 'deliveries', 'tap'],
  demo: { appId: 'demoapp', appKey: 'k', clientId: 'id', clientSecret: 'secret' },
};

describe('LocalServer', () => {
  let http: HttpTestingController;
  let server: LocalServer;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    server = TestBed.inject(LocalServer);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it("asks this page's origin once and exposes the answer", () => {
    expect(server.baseUrl).toBe('http://127.0.0.1:8080/api');
    expect(server.info()).toBeUndefined();
    http.expectOne({ method: 'GET', url: INFO_URL }).flush(INFO);
    expect(server.info()).toEqual(INFO);
  });

  it('accepts a server without a demo app', () => {
    const { demo: _demo, ...withoutDemo } = INFO;
    http.expectOne(INFO_URL).flush(withoutDemo);
    expect(server.info()?.demo).toBeUndefined();
    expect(server.info()?.version).toBe('0.1.0');
  });

  it('reports no local server on 404', () => {
    http.expectOne(INFO_URL).flush('Not Found', { status: 404, statusText: 'Not Found' });
    expect(server.info()).toBeNull();
  });

  it('reports no local server when the network fails', () => {
    http.expectOne(INFO_URL).error(new ProgressEvent('error'));
    expect(server.info()).toBeNull();
  });

  it('reports no local server when something else answers (a dev server, another API)', () => {
    http.expectOne(INFO_URL).flush({ server: 'other', version: '1', extensions: [] });
    expect(server.info()).toBeNull();
  });

  it('rejects a demo app with missing fields', () => {
    http.expectOne(INFO_URL).flush({ ...INFO, demo: { appId: 'demoapp' } });
    expect(server.info()).toBeNull();
  });
});
