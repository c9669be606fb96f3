import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEST_APP_URL, TEST_BASE_URL } from '../../testing/admin-session';
import { settle } from '../../testing/installation-sessions';
import {
  ALICE_LOGIN,
  CLOUD_APP_URL,
  CLOUD_BASE_URL,
  answerDiscovery,
  installationBody,
  installationRow,
  knownRow,
  signInAt,
} from '../../testing/installations-setup';
import {
  MemoryInstallationCatalog,
  provideMemoryCatalog,
} from '../../testing/memory-installation-catalog';
import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from '../core/kii-error';
import { Notifier } from '../core/notifier';
import { Installation } from '../core/kii/installation';
import { catalogKey } from './installation-catalog';
import { InstallationsStore } from './installations-store';

const LIST_URL = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/installations`;
const CLOUD_KEY = catalogKey({ baseUrl: CLOUD_BASE_URL, appId: 'demoapp' });
const notFound = { status: 404, statusText: 'Not Found' };

describe('InstallationsStore', () => {
  let browser: TestBrowser;
  let catalog: MemoryInstallationCatalog;
  let http: HttpTestingController;
  let notifier: Notifier;
  let store: InstallationsStore;

  beforeEach(() => {
    browser = createTestBrowser();
    catalog = new MemoryInstallationCatalog();
    TestBed.configureTestingModule({
      providers: [
        ...provideTestBrowser(browser),
        provideMemoryCatalog(catalog),
        InstallationsStore,
      ],
    });
    http = TestBed.inject(HttpTestingController);
    notifier = TestBed.inject(Notifier);
    spyOn(notifier, 'done');
    spyOn(notifier, 'failed');
  });
  afterEach(() => http.verify());

  /** Signs in, creates the store and lets it decide its mode. */
  async function open(where: 'local' | 'cloud', as: 'admin' | 'user' = 'admin') {
    await signInAt(where, as === 'user' ? ALICE_LOGIN : undefined);
    store = TestBed.inject(InstallationsStore);
    answerDiscovery(http, where === 'local');
    TestBed.tick();
    await settle();
  }

  describe('on the local server as the app admin', () => {
    it('lists every installation page by page, showing progress', async () => {
      await open('local');
      expect(store.mode()).toBe('server');
      const first = http.expectOne((r) => r.url === LIST_URL);
      first.flush({
        installations: [installationBody(installationRow(1))],
        total: 2,
        nextPaginationKey: '1',
      });
      expect(store.rows().length).toBe(1);
      expect(store.loading()).toEqual({ loaded: 1, total: 2 });
      await settle();
      http
        .expectOne((r) => r.url === LIST_URL && r.params.get('paginationKey') === '1')
        .flush({ installations: [installationBody(installationRow(2))], total: 2 });
      expect(store.rows().map((r) => r.installationID)).toEqual(['inst-1', 'inst-2']);
      expect(store.loading()).toBeNull();
    });

    it('keeps rows added or dropped while the listing runs, each once', async () => {
      await open('local');
      http
        .expectOne((r) => r.url === LIST_URL)
        .flush({
          installations: [1, 2].map((n) => installationBody(installationRow(n))),
          total: 4,
          nextPaginationKey: '2',
        });
      // Imported and uninstalled between two pages of the listing.
      store.adopt([installationRow(3)]);
      store.forget(['inst-1']);
      await settle();
      http
        .expectOne((r) => r.url === LIST_URL && r.params.get('paginationKey') === '2')
        .flush({
          installations: [3, 4].map((n) => installationBody(installationRow(n))),
          total: 4,
        });
      expect(store.rows().map((r) => r.installationID)).toEqual(['inst-3', 'inst-2', 'inst-4']);
      expect(store.find('inst-1')).toBeUndefined();
      expect(store.find('inst-3')?.owner?.name).toBe('user3');
      expect(store.find('inst-4')?.registrationID).toBe('reg-4');
    });

    it('keeps a failed listing inline and loads again on reload', async () => {
      await open('local');
      http
        .expectOne((r) => r.url === LIST_URL)
        .flush(
          { errorCode: 'UNDEFINED_ERROR', message: 'boom' },
          { status: 500, statusText: 'Error' },
        );
      expect(store.loadError()).toEqual(
        jasmine.objectContaining<KiiError>({ kind: 'server', status: 500 }),
      );
      expect(store.loading()).toBeNull();

      store.reload();
      await settle();
      http.expectOne((r) => r.url === LIST_URL).flush({ installations: [], total: 0 });
      expect(store.loadError()).toBeNull();
    });

    it('installs for a user named by login name and reads the installation back', async () => {
      await open('local');
      http.expectOne((r) => r.url === LIST_URL).flush({ installations: [], total: 0 });
      const outcome = firstValueFrom(
        store.install$({ owner: { kind: 'user', by: 'name', value: 'alice' }, development: true }),
      );
      http
        .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
        .flush({ userID: 'u-a', loginName: 'alice' });
      await settle();
      expect(store.pending().has('install')).toBeTrue();
      const post = http.expectOne(`${TEST_APP_URL}/installations`);
      expect(JSON.parse(post.request.body)).toEqual({
        deviceType: 'MQTT',
        development: true,
        userID: 'u-a',
      });
      post.flush({ installationID: 'i-new', installationRegistrationID: 'r-new' });
      await settle();
      http.expectOne(`${TEST_APP_URL}/installations/i-new`).flush({
        installationID: 'i-new',
        installationRegistrationID: 'r-new',
        deviceType: 'MQTT',
        development: true,
        userID: 'u-a',
      });

      const done = await outcome;
      if (!done.ok) throw new Error(`install failed: ${done.error.message}`);
      const result = done.value;
      expect(result.existing).toBeFalse();
      expect(result.installation.owner).toEqual({ kind: 'user', id: 'u-a', name: 'alice' });
      expect(store.rows()[0].installationID).toBe('i-new');
      expect(store.pending().size).toBe(0);
      expect(notifier.done).toHaveBeenCalledWith('Installed push for User alice.');
      // The server lists everything: nothing goes to the browser's catalog.
      expect(catalog.apps.size).toBe(0);
    });

    it('says so when the owner already had the installation', async () => {
      await open('local');
      const row = installationRow(7, { owner: { kind: 'thing', id: 'th.7', name: 'door-7' } });
      http
        .expectOne((r) => r.url === LIST_URL)
        .flush({ installations: [installationBody(row)], total: 1 });
      const outcome = firstValueFrom(
        store.install$({ owner: { kind: 'thing', by: 'id', value: 'th.7' }, development: false }),
      );
      http
        .expectOne(`${TEST_APP_URL}/things/th.7`)
        .flush({ _thingID: 'th.7', _vendorThingID: 'door-7' });
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations`)
        .flush({ installationID: 'inst-7', installationRegistrationID: 'reg-7' });
      await settle();
      http.expectOne(`${TEST_APP_URL}/installations/inst-7`).flush(installationBody(row));
      expect(await outcome).toEqual({
        ok: true,
        value: jasmine.objectContaining({ existing: true }),
      });
      expect(notifier.done).toHaveBeenCalledWith(
        'Thing door-7 already had an installation; it came back unchanged.',
      );
      expect(store.rows().length).toBe(1);
    });

    it('hands a failed install back to the dialog instead of the snackbar', async () => {
      const logged = spyOn(console, 'error');
      await open('local');
      http.expectOne((r) => r.url === LIST_URL).flush({ installations: [], total: 0 });
      const outcome = firstValueFrom(
        store.install$({
          owner: { kind: 'user', by: 'name', value: 'nobody' },
          development: false,
        }),
      );
      http
        .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:nobody`)
        .flush({ errorCode: 'USER_NOT_FOUND', message: 'no such user' }, notFound);
      expect(await outcome).toEqual({
        ok: false,
        error: jasmine.objectContaining<KiiError>({ errorCode: 'USER_NOT_FOUND' }),
      });
      expect(notifier.failed).not.toHaveBeenCalled();
      expect(logged).toHaveBeenCalled();
      expect(store.pending().size).toBe(0);
    });

    it('uninstalls by registration ID and drops the row', async () => {
      await open('local');
      const row = installationRow(3);
      http
        .expectOne((r) => r.url === LIST_URL)
        .flush({ installations: [installationBody(row)], total: 1 });
      const done = firstValueFrom(store.uninstall$(store.rows()[0], 'registration'));
      await settle();
      const request = http.expectOne(`${TEST_APP_URL}/installations/MQTT:reg-3`);
      expect(request.request.method).toBe('DELETE');
      request.flush(null, { status: 204, statusText: 'No Content' });
      expect(await done).toBeTrue();
      expect(store.rows()).toEqual([]);
      expect(notifier.done).toHaveBeenCalledWith(
        'Uninstalled MQTT:reg-3. User user-3 no longer receives pushes on it.',
      );
    });

    it('reports a refused uninstall and keeps the row', async () => {
      await open('local');
      http
        .expectOne((r) => r.url === LIST_URL)
        .flush({ installations: [installationBody(installationRow(4))], total: 1 });
      const done = firstValueFrom(store.uninstall$(store.rows()[0], 'id'));
      await settle();
      http
        .expectOne(`${TEST_APP_URL}/installations/inst-4`)
        .flush(
          { errorCode: 'UNAUTHORIZED', message: 'no' },
          { status: 401, statusText: 'Unauthorized' },
        );
      expect(await done).toBeFalse();
      expect(store.rows().length).toBe(1);
      expect(notifier.failed).toHaveBeenCalledWith('Uninstalling inst-4', jasmine.anything());
    });
  });

  describe('on Kii Cloud (installations known here)', () => {
    it('lists the known installations, newest first', async () => {
      catalog.of(CLOUD_KEY).set('inst-1', knownRow(1));
      catalog.of(CLOUD_KEY).set('inst-2', knownRow(2));
      catalog.of('elsewhere').set('inst-9', knownRow(9));
      await open('cloud');
      expect(store.mode()).toBe('known');
      expect(store.rows().map((r) => r.installationID)).toEqual(['inst-2', 'inst-1']);
    });

    it('shows a storage failure inline', async () => {
      catalog.failing = true;
      await open('cloud');
      expect(store.loadError()?.detail).toContain('IndexedDB');
    });

    it('looks an installation up, names its owner and remembers it', async () => {
      await open('cloud');
      let opened: Installation | undefined;
      store.lookup(' MQTT:reg-5 ', (installation) => (opened = installation));
      await settle();
      http
        .expectOne(`${CLOUD_APP_URL}/installations/MQTT:reg-5`)
        .flush(installationBody(installationRow(5)));
      http
        .expectOne(`${CLOUD_APP_URL}/users/user-5`)
        .flush({ userID: 'user-5', loginName: 'erin' });
      await settle();
      expect(opened?.owner?.name).toBe('erin');
      expect(catalog.of(CLOUD_KEY).get('inst-5')).toEqual(
        jasmine.objectContaining({ source: 'looked-up' }),
      );
      expect(store.rows().length).toBe(1);
    });

    it('reports a look-up of what does not exist, and of text that is no reference', async () => {
      await open('cloud');
      store.lookup('nope', () => fail('nothing should open'));
      await settle();
      http
        .expectOne(`${CLOUD_APP_URL}/installations/nope`)
        .flush({ errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' }, notFound);
      expect(notifier.failed).toHaveBeenCalledWith(
        'Looking up nope',
        jasmine.objectContaining<KiiError>({ errorCode: 'INSTALLATION_NOT_FOUND' }),
      );

      store.lookup('two words', () => fail('nothing should open'));
      expect(notifier.failed).toHaveBeenCalledWith(
        'Looking up two words',
        jasmine.objectContaining<KiiError>({ kind: 'invalid' }),
      );
    });

    it('adopts imported installations and forgets uninstalled ones', async () => {
      await open('cloud');
      store.adopt([installationRow(1), installationRow(2)]);
      await settle();
      expect(catalog.of(CLOUD_KEY).get('inst-1')?.source).toBe('imported');
      store.forget(['inst-1']);
      await settle();
      expect(store.rows().map((r) => r.installationID)).toEqual(['inst-2']);
      expect([...catalog.of(CLOUD_KEY).keys()]).toEqual(['inst-2']);
    });

    it('reports when the catalog cannot be updated', async () => {
      await open('cloud');
      catalog.failing = true;
      store.adopt([installationRow(1)]);
      await settle();
      expect(notifier.failed).toHaveBeenCalledWith(
        'Updating the installations known in this browser',
        jasmine.objectContaining<KiiError>({ kind: 'unknown' }),
      );
      expect(store.rows().length).toBe(1);
    });
  });

  it('installs for the signed-in user through the SDK, in known mode', async () => {
    await open('local', 'user');
    expect(store.mode()).toBe('known');
    const outcome = firstValueFrom(store.install$({ owner: null, development: false }));
    await settle();
    const id = [...browser.sdk.installations.all.keys()][0];
    http.expectOne(`${TEST_APP_URL}/installations/${id}`).flush({
      installationID: id,
      installationRegistrationID: 'reg-1',
      deviceType: 'MQTT',
      development: false,
      userID: 'user-alice-id',
    });
    const result = await outcome;
    if (!result.ok) throw new Error(`install failed: ${result.error.message}`);
    expect(result.value.installation.owner).toEqual({
      kind: 'user',
      id: 'user-alice-id',
      name: 'alice',
    });
    expect(catalog.of(catalogKey({ baseUrl: TEST_BASE_URL, appId: 'demoapp' })).has(id)).toBeTrue();
  });
});
