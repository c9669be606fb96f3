import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { TEST_APP_URL } from '../../testing/admin-session';
import { settle } from '../../testing/installation-sessions';
import {
  ALICE_LOGIN,
  CLOUD_BASE_URL,
  answerDiscovery,
  installationRow,
  signInAt,
} from '../../testing/installations-setup';
import {
  MemoryInstallationCatalog,
  provideMemoryCatalog,
} from '../../testing/memory-installation-catalog';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { KiiError } from '../core/kii-error';
import { catalogKey } from './installation-catalog';
import { KnownInstallations } from './known-installations';
import { UninstallAction } from './uninstall-action';

describe('KnownInstallations', () => {
  let catalog: MemoryInstallationCatalog;
  let http: HttpTestingController;
  let known: KnownInstallations;

  beforeEach(() => {
    catalog = new MemoryInstallationCatalog();
    TestBed.configureTestingModule({
      providers: [...provideTestBrowser(createTestBrowser()), provideMemoryCatalog(catalog)],
    });
    http = TestBed.inject(HttpTestingController);
    known = TestBed.inject(KnownInstallations);
  });
  afterEach(() => http.verify());

  describe('mode', () => {
    it('lists through the server for the app admin of the local server', async () => {
      await signInAt('local');
      answerDiscovery(http, true);
      await settle();
      expect(known.mode()).toBe('server');
    });

    it('keeps its own list on Kii Cloud, for users, and where no local server answers', async () => {
      expect(known.mode()).toBeNull();
      await signInAt('cloud');
      answerDiscovery(http, true);
      await settle();
      expect(known.mode()).toBe('known');
      await signInAt('local', ALICE_LOGIN);
      expect(known.mode()).toBe('known');
    });

    it('keeps its own list when the page did not come from a local server', async () => {
      await signInAt('local');
      answerDiscovery(http, false);
      await settle();
      expect(known.mode()).toBe('known');
    });
  });

  describe('catalog', () => {
    const key = catalogKey({ baseUrl: CLOUD_BASE_URL, appId: 'demoapp' });

    beforeEach(async () => {
      await signInAt('cloud');
      answerDiscovery(http, false);
      await settle();
    });

    it('remembers, lists and forgets for the signed-in app', async () => {
      await firstValueFrom(known.remember$([installationRow(1)], 'installed'), { defaultValue: 0 });
      expect((await firstValueFrom(known.list$())).map((r) => r.installationID)).toEqual([
        'inst-1',
      ]);
      expect(catalog.of(key).get('inst-1')?.source).toBe('installed');
      await firstValueFrom(known.forget$(['inst-1']), { defaultValue: 0 });
      expect(catalog.of(key).size).toBe(0);
    });

    it('fails as a KiiError when the catalog fails', async () => {
      catalog.failing = true;
      await expectAsync(firstValueFrom(known.list$())).toBeRejectedWith(
        jasmine.objectContaining<KiiError>({ kind: 'unknown' }),
      );
      await expectAsync(
        firstValueFrom(known.remember$([installationRow(1)], 'imported')),
      ).toBeRejected();
      await expectAsync(firstValueFrom(known.forget$(['inst-1']))).toBeRejected();
    });
  });

  describe('named$', () => {
    beforeEach(async () => {
      await signInAt('local');
      answerDiscovery(http, true);
    });

    it('names a thing owner by its vendor thing ID', async () => {
      const row = installationRow(1, { owner: { kind: 'thing', id: 'th.1', name: 'th.1' } });
      const named = firstValueFrom(known.named$(row));
      http
        .expectOne(`${TEST_APP_URL}/things/th.1`)
        .flush({ _thingID: 'th.1', _vendorThingID: 'door-1' });
      expect((await named).owner).toEqual({ kind: 'thing', id: 'th.1', name: 'door-1' });
    });

    it('keeps the ID when the owner cannot be read', async () => {
      const row = installationRow(1, { owner: { kind: 'user', id: 'u-9', name: 'u-9' } });
      const named = firstValueFrom(known.named$(row));
      http
        .expectOne(`${TEST_APP_URL}/users/u-9`)
        .flush(
          { errorCode: 'USER_NOT_FOUND', message: 'x' },
          { status: 404, statusText: 'Not Found' },
        );
      expect((await named).owner?.name).toBe('u-9');
    });
  });

  it('is not signed in: list$ fails with "auth"', async () => {
    await expectAsync(firstValueFrom(known.list$())).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({ kind: 'auth' }),
    );
    answerDiscovery(http, false);
  });
});

describe('UninstallAction', () => {
  let http: HttpTestingController;
  let action: UninstallAction;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    http = TestBed.inject(HttpTestingController);
    action = TestBed.inject(UninstallAction);
    await signInAt('local');
  });
  afterEach(() => http.verify());

  it('uninstalls by installation ID and says who stops receiving pushes', async () => {
    const uninstall = action.of(installationRow(1), 'id');
    expect(uninstall.label).toBe('Uninstalling inst-1');
    expect(uninstall.doneText).toBe(
      'Uninstalled inst-1. User user1 no longer receives pushes on it.',
    );
    const done = firstValueFrom(uninstall.work$, { defaultValue: 'done' });
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush(null, { status: 204, statusText: 'No Content' });
    expect(await done).toBeUndefined();
  });

  it('fails with the ID that was used in its label', async () => {
    const uninstall = action.of(installationRow(1), 'registration');
    expect(uninstall.label).toBe('Uninstalling MQTT:reg-1');
    const done = firstValueFrom(uninstall.work$);
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/MQTT:reg-1`)
      .flush(
        { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
        { status: 404, statusText: 'Not Found' },
      );
    await expectAsync(done).toBeRejectedWith(
      jasmine.objectContaining<KiiError>({ errorCode: 'INSTALLATION_NOT_FOUND' }),
    );
  });
});
