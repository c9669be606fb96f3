import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, toArray } from 'rxjs';

import { TEST_BASE_URL, signInAsAdmin } from '../../testing/admin-session';
import { settle } from '../../testing/installation-sessions';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from '../core/kii-error';
import { InstallationListing } from './installation-listing';

const LIST_URL = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/installations`;

const row = (n: number) => ({
  installationID: `i-${n}`,
  installationRegistrationID: `r-${n}`,
  deviceType: 'MQTT',
  development: n % 2 === 0,
  ...(n % 3 === 0 ? { thingID: `th.${n}` } : { userID: `u-${n}` }),
  createdAt: 1000 + n,
  ownerName: n === 1 ? null : `name-${n}`,
});

describe('InstallationListing', () => {
  let listing: InstallationListing;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    listing = TestBed.inject(InstallationListing);
    http = TestBed.inject(HttpTestingController);
    await signInAsAdmin();
  });
  afterEach(() => http.verify());

  it('pages through paginationKey, counting what has arrived', async () => {
    const all = firstValueFrom(listing.all$(2).pipe(toArray()));
    await settle();
    const first = http.expectOne((r) => r.url === LIST_URL && !r.params.has('paginationKey'));
    expect(first.request.params.get('limit')).toBe('2');
    first.flush({ installations: [row(1), row(2)], total: 3, nextPaginationKey: '2' });
    await settle();
    http
      .expectOne((r) => r.url === LIST_URL && r.params.get('paginationKey') === '2')
      .flush({ installations: [row(3)], total: 3 });

    const pages = await all;
    expect(pages.map((p) => [p.loaded, p.total, p.done])).toEqual([
      [2, 3, false],
      [3, 3, true],
    ]);
    expect(pages[0].page[0]).toEqual({
      installationID: 'i-1',
      registrationID: 'r-1',
      deviceType: 'MQTT',
      development: false,
      // No owner name from the server: the ID stands in.
      owner: { kind: 'user', id: 'u-1', name: 'u-1' },
      createdAt: 1001,
    });
    expect(pages[1].page[0].owner).toEqual({ kind: 'thing', id: 'th.3', name: 'name-3' });
  });

  it('carries "last seen" when the server has the trace extension', async () => {
    const all = firstValueFrom(listing.all$());
    await settle();
    http
      .expectOne((r) => r.url === LIST_URL)
      .flush({
        installations: [
          { ...row(1), connected: false, lastSeenAt: null },
          { ...row(2), connected: true, lastSeenAt: 5000 },
        ],
        total: 2,
      });
    const { page } = await all;
    expect(page.map((i) => i.lastSeen)).toEqual([
      { connected: false, at: null },
      { connected: true, at: 5000 },
    ]);
  });

  it('fails as a KiiError when the listing is refused', async () => {
    const all = firstValueFrom(listing.all$());
    await settle();
    http
      .expectOne((r) => r.url === LIST_URL)
      .flush(
        { errorCode: 'UNAUTHORIZED', message: 'admin only' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await expectAsync(all).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({ kind: 'auth', errorCode: 'UNAUTHORIZED' }),
    );
  });
});
