import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEST_APP_URL, signInAsAdmin } from '../../testing/admin-session';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from './kii-error';
import { PrincipalLookup, PrincipalRef } from './principal-lookup';

describe('PrincipalLookup', () => {
  let lookup: PrincipalLookup;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    lookup = TestBed.inject(PrincipalLookup);
    http = TestBed.inject(HttpTestingController);
    await signInAsAdmin();
  });
  afterEach(() => http.verify());

  const resolve = (ref: PrincipalRef) => firstValueFrom(lookup.resolve$(ref));

  it('finds a user by login name', async () => {
    const found = resolve({ kind: 'user', by: 'name', value: ' alice ' });
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'u-1', loginName: 'alice' });
    expect(await found).toEqual({ kind: 'user', id: 'u-1', name: 'alice' });
  });

  it('confirms a user ID, naming a user without login name by the ID', async () => {
    const found = resolve({ kind: 'user', by: 'id', value: 'u-2' });
    http.expectOne(`${TEST_APP_URL}/users/u-2`).flush({ userID: 'u-2' });
    expect(await found).toEqual({ kind: 'user', id: 'u-2', name: 'u-2' });
  });

  it('finds a thing by vendor thing ID and by thing ID', async () => {
    const byVendor = resolve({ kind: 'thing', by: 'name', value: 'door/1' });
    http
      .expectOne(`${TEST_APP_URL}/things/VENDOR_THING_ID:door%2F1`)
      .flush({ _thingID: 'th.1', _vendorThingID: 'door/1' });
    expect(await byVendor).toEqual({ kind: 'thing', id: 'th.1', name: 'door/1' });

    const byId = resolve({ kind: 'thing', by: 'id', value: 'th.1' });
    http
      .expectOne(`${TEST_APP_URL}/things/th.1`)
      .flush({ _thingID: 'th.1', _vendorThingID: 'door/1' });
    expect((await byId).name).toBe('door/1');
  });

  it("fails with Kii's USER_NOT_FOUND as a KiiError", async () => {
    const found = resolve({ kind: 'user', by: 'name', value: 'nobody' });
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:nobody`)
      .flush(
        { errorCode: 'USER_NOT_FOUND', message: 'User userID LOGIN_NAME:nobody was not found' },
        { status: 404, statusText: 'Not Found' },
      );
    await expectAsync(found).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({
        kind: 'not-found',
        errorCode: 'USER_NOT_FOUND',
        status: 404,
      }),
    );
  });

  it('refuses an empty name without asking the server', async () => {
    await expectAsync(resolve({ kind: 'thing', by: 'id', value: '  ' })).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({ kind: 'invalid' }),
    );
  });
});
