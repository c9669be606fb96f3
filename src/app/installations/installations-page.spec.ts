import { ChangeDetectionStrategy, Component } from '@angular/core';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { MatRadioGroupHarness } from '@angular/material/radio/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { Router, provideRouter } from '@angular/router';

import { TEST_APP_URL, TEST_BASE_URL } from '../../testing/admin-session';
import { settle } from '../../testing/installation-sessions';
import {
  InstallationsPageHarness,
  clickButton,
  dialogText,
  inputLabelled,
} from '../../testing/installations-harness';
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
import { Credentials } from '../core/principal';
import { FileSaver } from '../shared/file-saver';
import { Installation } from '../core/kii/installation';
import { catalogKey } from './installation-catalog';
import InstallationsPage from './installations-page';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

const LIST_URL = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/installations`;
const listed = (row: Installation) => ({
  ...installationBody(row),
  createdAt: row.createdAt,
  ownerName: row.owner?.name,
});

describe('InstallationsPage', () => {
  let browser: TestBrowser;
  let catalog: MemoryInstallationCatalog;
  let http: HttpTestingController;
  let fixture: ComponentFixture<InstallationsPage>;
  let page: InstallationsPageHarness;
  let root: HarnessLoader;

  beforeEach(() => {
    browser = createTestBrowser();
    catalog = new MemoryInstallationCatalog();
    TestBed.configureTestingModule({
      imports: [InstallationsPage],
      providers: [
        ...provideTestBrowser(browser),
        provideMemoryCatalog(catalog),
        provideRouter([{ path: 'installations/:installationId', component: Blank }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  async function render(
    where: 'local' | 'cloud',
    rows?: readonly Installation[],
    credentials?: Credentials,
  ): Promise<void> {
    await signInAt(where, credentials);
    fixture = TestBed.createComponent(InstallationsPage);
    answerDiscovery(http, where === 'local');
    await fixture.whenStable();
    if (where === 'local' && rows && !credentials) {
      http
        .expectOne((r) => r.url === LIST_URL)
        .flush({ installations: rows.map(listed), total: rows.length });
    }
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, InstallationsPageHarness);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
  }

  /** Lets requests go out, then answers them. */
  async function answer(url: string, body: object | null, status = 200): Promise<void> {
    await settle();
    const request = http.expectOne(url);
    if (status >= 400) request.flush(body, { status, statusText: 'Error' });
    else request.flush(body, { status, statusText: 'OK' });
    await fixture.whenStable();
  }

  /** The server's side of installing for alice (u-a) in development: i-new / r-new. */
  async function answerInstallForAlice(): Promise<void> {
    await answer(`${TEST_APP_URL}/users/LOGIN_NAME:alice`, { userID: 'u-a', loginName: 'alice' });
    await answer(
      `${TEST_APP_URL}/installations`,
      { installationID: 'i-new', installationRegistrationID: 'r-new' },
      201,
    );
    await answer(`${TEST_APP_URL}/installations/i-new`, {
      installationID: 'i-new',
      installationRegistrationID: 'r-new',
      deviceType: 'MQTT',
      development: true,
      userID: 'u-a',
    });
  }

  it('lists every installation of the local server and says so', async () => {
    await render('local', [
      installationRow(1),
      installationRow(2, {
        development: true,
        owner: { kind: 'thing', id: 'th.2', name: 'door-2' },
      }),
    ]);
    expect(await page.modeText()).toContain('Showing every installation of app demoapp');
    expect(await page.column('installationID')).toEqual(['inst-1', 'inst-2']);
    expect(await page.column('environment')).toEqual(['Production', 'Development']);
    const owners = await page.column('owner');
    expect(owners[0]).toContain('User user1');
    expect(owners[1]).toContain('Thing door-2');
    expect(owners[1]).toContain('th.2');
    expect(await page.column('deviceType')).toEqual(['MQTT', 'MQTT']);
  });

  it('filters and sorts the rows', async () => {
    await render('local', [installationRow(1), installationRow(2), installationRow(3)]);
    await page.filter('USER2');
    expect(await page.column('installationID')).toEqual(['inst-2']);
    await page.filter('');

    const sort = await page.sort();
    const created = (await sort.getSortHeaders({ label: 'Created' }))[0];
    await created.click();
    await created.click();
    expect(await page.column('installationID')).toEqual(['inst-3', 'inst-2', 'inst-1']);
  });

  it('stays usable at 100,000 installations', async () => {
    const rows = Array.from({ length: 100_000 }, (_, n) => installationRow(n));
    const started = performance.now();
    await render('local', rows);
    const paginator = await page.paginator();
    expect(await paginator.getRangeLabel()).toBe('1 – 50 of 100,000');
    await page.filter('inst-99999');
    expect(await page.column('installationID')).toEqual(['inst-99999']);
    await page.filter('');
    await paginator.goToLastPage();
    expect(await page.column('installationID')).toContain('inst-99999');
    // Generous: Karma's Chromium on two cores; the point is seconds, not minutes.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('shows a failed listing inline and retries it', async () => {
    await render('local');
    await answer(LIST_URL + '?limit=1000', { errorCode: 'UNDEFINED_ERROR', message: 'boom' }, 500);
    expect(await page.errorText()).toContain('The installations could not be loaded');
    expect(await page.errorText()).toContain('UNDEFINED_ERROR');
    await page.click('Retry');
    await answer(LIST_URL + '?limit=1000', {
      installations: [listed(installationRow(1))],
      total: 1,
    });
    expect(await page.errorText()).toBe('');
    expect(await page.column('installationID')).toEqual(['inst-1']);
  });

  it('on Kii Cloud shows the installations known here, labelled as such', async () => {
    catalog
      .of(catalogKey({ baseUrl: CLOUD_BASE_URL, appId: 'demoapp' }))
      .set('inst-4', knownRow(4));
    await render('cloud');
    expect(await page.modeText()).toContain('Kii Cloud has no API that lists installations');
    expect(await page.column('installationID')).toEqual(['inst-4']);
    expect(await page.hasButton(/Import/)).toBeTrue();
  });

  it('looks an installation up and opens it', async () => {
    await render('local', []);
    await page.lookup('MQTT:reg-8');
    await answer(`${TEST_APP_URL}/installations/MQTT:reg-8`, installationBody(installationRow(8)));
    await answer(`${TEST_APP_URL}/users/user-8`, { userID: 'user-8', loginName: 'hank' });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/installations/inst-8');
  });

  it('shows a failed look-up in the snackbar with the errorCode', async () => {
    await render('local', []);
    spyOn(console, 'error');
    await page.lookup('nope');
    await answer(
      `${TEST_APP_URL}/installations/nope`,
      { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
      404,
    );
    const snackBar = await root.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toContain('Looking up nope failed');
    expect(await snackBar.getMessage()).toContain('INSTALLATION_NOT_FOUND');
  });

  it('installs for a user through the dialog and shows the returned IDs', async () => {
    await render('local', []);
    await page.click(/Install…/);
    const dialog = await root.getHarness(MatDialogHarness);
    await (await inputLabelled(dialog, 'Login name')).setValue('alice');
    await (
      await dialog.getHarness(MatRadioGroupHarness)
    ).checkRadioButton({ label: 'Development' });
    await clickButton(dialog, 'Install');
    await answerInstallForAlice();
    const text = await dialogText(dialog);
    expect(text).toContain('Installed MQTT push for User alice (Development)');
    expect(text).toContain('i-new');
    expect(text).toContain('r-new');
    await clickButton(dialog, 'Close');
    await fixture.whenStable();
    expect(await page.column('installationID')).toEqual(['i-new']);
  });

  it('shows a failed install in the dialog, keeps what was typed and installs on retry', async () => {
    await render('local', []);
    spyOn(console, 'error');
    await page.click(/Install…/);
    const dialog = await root.getHarness(MatDialogHarness);
    await (await inputLabelled(dialog, 'Login name')).setValue('alicee');
    await (
      await dialog.getHarness(MatRadioGroupHarness)
    ).checkRadioButton({ label: 'Development' });
    await clickButton(dialog, 'Install');
    await answer(
      `${TEST_APP_URL}/users/LOGIN_NAME:alicee`,
      { errorCode: 'USER_NOT_FOUND', message: 'User alicee was not found' },
      404,
    );

    // The failure is in the dialog, announced, saying what happened and what to do...
    const alert = document.querySelector('mat-dialog-container [role="alert"]');
    expect(alert?.textContent?.replace(/\s+/g, ' ')).toContain(
      'Installing push failed: The user was not found. (USER_NOT_FOUND: User alicee was not found)',
    );
    expect(alert?.textContent).toContain('Check the login name or user ID');
    // ...not in a snackbar that would disappear while the dialog stays open.
    expect(await root.getHarnessOrNull(MatSnackBarHarness)).toBeNull();
    expect(await dialog.getHarnessOrNull(MatRadioGroupHarness)).not.toBeNull();
    const login = await inputLabelled(dialog, 'Login name');
    expect(await login.getValue()).toBe('alicee');
    expect(await (await dialog.getHarness(MatRadioGroupHarness)).getCheckedValue()).toBe(
      'development',
    );

    await login.setValue('alice');
    await clickButton(dialog, 'Install');
    await answerInstallForAlice();
    const text = await dialogText(dialog);
    expect(text).toContain('Installed MQTT push for User alice (Development)');
    expect(text).not.toContain('failed');
  });

  it('says so in the dialog when an existing installation came back', async () => {
    await render('local', [installationRow(5)]);
    await page.click(/Install…/);
    const dialog = await root.getHarness(MatDialogHarness);
    await (await inputLabelled(dialog, 'Login name')).setValue('user5');
    await clickButton(dialog, 'Install');
    await answer(`${TEST_APP_URL}/users/LOGIN_NAME:user5`, {
      userID: 'user-5',
      loginName: 'user5',
    });
    await answer(`${TEST_APP_URL}/installations`, {
      installationID: 'inst-5',
      installationRegistrationID: 'reg-5',
    });
    await answer(`${TEST_APP_URL}/installations/inst-5`, installationBody(installationRow(5)));
    expect(await dialogText(dialog)).toContain('User user5 already had an MQTT installation');
    await clickButton(dialog, 'Open details');
    await settle();
    expect(TestBed.inject(Router).url).toBe('/installations/inst-5');
  });

  it('uninstalls a row by registration ID after a confirmation naming the owner', async () => {
    await render('local', [installationRow(6)]);
    await page.click('Uninstall inst-6');
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialogText(dialog)).toContain('User user6 will stop receiving pushes');
    await (
      await dialog.getHarness(MatRadioGroupHarness)
    ).checkRadioButton({ label: /Registration ID/ });
    await clickButton(dialog, 'Uninstall');
    await answer(`${TEST_APP_URL}/installations/MQTT:reg-6`, null, 204);
    expect(await page.column('installationID')).toEqual([]);
    const snackBar = await root.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toBe(
      'Uninstalled MQTT:reg-6. User user6 no longer receives pushes on it.',
    );
    // The row's button that opened the dialog is gone: focus goes to the filter, not the body.
    const filter = await root.getHarness(MatInputHarness.with({ selector: '[type=search]' }));
    expect(await filter.isFocused()).toBeTrue();
  });

  it('keeps the row and reports a refused uninstall', async () => {
    await render('local', [installationRow(7)]);
    spyOn(console, 'error');
    await page.click('Uninstall inst-7');
    await clickButton(await root.getHarness(MatDialogHarness), 'Uninstall');
    await answer(
      `${TEST_APP_URL}/installations/inst-7`,
      { errorCode: 'UNAUTHORIZED', message: 'no' },
      401,
    );
    expect(await page.column('installationID')).toEqual(['inst-7']);
    expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toContain(
      'UNAUTHORIZED',
    );
  });

  it('bulk-uninstalls the selection plus a pasted unknown ID: dry run, results, CSV', async () => {
    await render('local', [installationRow(1), installationRow(2), installationRow(3)]);
    const save = spyOn(TestBed.inject(FileSaver), 'save');
    await page.select('inst-1');
    await page.select('inst-2');
    await page.click(/Uninstall 2 selected/);
    const dialog = await root.getHarness(MatDialogHarness);
    const refs = await inputLabelled(dialog, 'Installation IDs');
    expect(await refs.getValue()).toBe('inst-1\ninst-2');
    await refs.setValue('inst-1\ninst-2\nunknown-id');
    await clickButton(dialog, 'Dry run');

    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush(installationBody(installationRow(1)));
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-2`)
      .flush(installationBody(installationRow(2)));
    http
      .expectOne(`${TEST_APP_URL}/installations/unknown-id`)
      .flush(
        { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    http.expectOne(`${TEST_APP_URL}/users/user-1`).flush({ userID: 'user-1', loginName: 'user1' });
    http.expectOne(`${TEST_APP_URL}/users/user-2`).flush({ userID: 'user-2', loginName: 'user2' });
    await settle(150);
    expect(await dialogText(dialog)).toContain(
      'Dry run: 2 will be uninstalled, 1 not found, 0 refused, 0 failed.',
    );
    // Nothing was uninstalled by the dry run.
    http.expectNone((r) => r.method === 'DELETE');

    await clickButton(dialog, 'Uninstall 2');
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush(null, { status: 204, statusText: 'No Content' });
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-2`)
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(150);
    expect(await dialogText(dialog)).toContain(
      'Done: 2 uninstalled, 1 not found, 0 refused, 0 failed.',
    );
    const outcomes = await (await dialog.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(outcomes['outcome'].text).toEqual(['Done', 'Done', 'Not foundINSTALLATION_NOT_FOUND']);

    await clickButton(dialog, /Export CSV/);
    expect(save).toHaveBeenCalledWith(
      jasmine.stringMatching(/^uninstall-results-\d{8}-\d{6}\.csv$/),
      jasmine.stringContaining('unknown-id,unknown-id,,,,not-found,INSTALLATION_NOT_FOUND,x'),
    );
    await clickButton(dialog, 'Close');
    await fixture.whenStable();
    expect(await page.column('installationID')).toEqual(['inst-3']);
  });

  it('imports installations on Kii Cloud after looking each one up', async () => {
    await render('cloud');
    await page.click(/Import…/);
    const dialog = await root.getHarness(MatDialogHarness);
    await (await inputLabelled(dialog, 'Installation IDs')).setValue('inst-1, nope, ???:x');
    expect(await dialogText(dialog)).toContain('Not understood, skipped: ???:x');
    await clickButton(dialog, 'Look up');
    await settle();
    http
      .expectOne(`${CLOUD_APP_URL}/installations/inst-1`)
      .flush(installationBody(installationRow(1)));
    http
      .expectOne(`${CLOUD_APP_URL}/installations/nope`)
      .flush(
        { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    http.expectOne(`${CLOUD_APP_URL}/users/user-1`).flush({ userID: 'user-1', loginName: 'ann' });
    await settle(150);
    expect(await dialogText(dialog)).toContain('1 found, 1 not found');
    await clickButton(dialog, 'Add 1 to the list');
    await fixture.whenStable();
    expect(await page.column('installationID')).toEqual(['inst-1']);
    const known = catalog
      .of(catalogKey({ baseUrl: CLOUD_BASE_URL, appId: 'demoapp' }))
      .get('inst-1');
    expect(known?.source).toBe('imported');
    expect(known?.owner?.name).toBe('ann');
  });

  it('lets a signed-in user install for itself, in the known mode', async () => {
    await render('local', [], ALICE_LOGIN);
    expect(await page.modeText()).toContain('Only the app admin can list installations');
    await page.click(/Install…/);
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialogText(dialog)).toContain('Installs MQTT push for you: User alice.');
    await clickButton(dialog, 'Install');
    await settle();
    const [id] = [...browser.sdk.installations.all.keys()];
    await answer(`${TEST_APP_URL}/installations/${id}`, {
      installationID: id,
      installationRegistrationID: 'reg-x',
      deviceType: 'MQTT',
      development: false,
      userID: 'user-alice-id',
    });
    expect(await dialogText(dialog)).toContain('Installed MQTT push for User alice (Production)');
  });
});
