import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';

import { GRANTS_CSRF, signInWithGrants } from '../../testing/team-grants';
import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import AppsPage from './apps-page';
import { TeamAppRow } from './team-app';

const ADDED_AT = Date.UTC(2026, 11, 1, 9, 30);
const DEMO: TeamAppRow = {
  appId: 'demo',
  label: 'Demo app',
  site: 'custom',
  baseUrl: 'http://127.0.0.1:8080/api',
  addedBy: 'root',
  addedAt: ADDED_AT,
  updatedAt: ADDED_AT,
  role: 'admin',
};
const TOKYO: TeamAppRow = {
  ...DEMO,
  appId: 'tokyo',
  label: 'Tokyo',
  site: 'jp',
  baseUrl: 'https://api-jp.kii.com/api',
};
const SECRET = 'the-client-secret-9f3a';

describe('AppsPage', () => {
  let fixture: ComponentFixture<AppsPage>;
  let loader: HarnessLoader;
  let overlays: HarnessLoader;
  let http: HttpTestingController;
  let browser: TestBrowser;

  const settle = () => fixture.whenStable();

  async function rows(): Promise<Record<string, string>[]> {
    const table = await loader.getHarness(MatTableHarness);
    const out: Record<string, string>[] = [];
    for (const row of await table.getRows()) out.push(await row.getCellTextByColumnName());
    return out;
  }

  const call = (method: string, url: string): TestRequest =>
    http.expectOne((r) => r.method === method && r.url === url);

  async function openConnect(): Promise<MatDialogHarness> {
    await (await loader.getHarness(MatButtonHarness.with({ text: /Connect an app/ }))).click();
    return overlays.getHarness(MatDialogHarness);
  }

  async function field(dialog: MatDialogHarness, name: string): Promise<MatInputHarness> {
    return dialog.getHarness(MatInputHarness.with({ selector: `[name=${name}]` }));
  }

  /** Fills the connect form for `appId` on a custom base URL. */
  async function fill(dialog: MatDialogHarness, appId: string): Promise<void> {
    await (await field(dialog, 'appId')).setValue(appId);
    await (await field(dialog, 'label')).setValue('New app');
    await (await dialog.getHarness(MatSelectHarness)).clickOptions({ text: 'Custom base URL' });
    await (await field(dialog, 'baseUrl')).setValue('http://127.0.0.1:9/api');
    await (await field(dialog, 'appKey')).setValue('key-1');
    await (await field(dialog, 'clientId')).setValue('client-1');
    await (await field(dialog, 'clientSecret')).setValue(SECRET);
  }

  const submit = async (dialog: MatDialogHarness, text = 'Connect') =>
    (await dialog.getHarness(MatButtonHarness.with({ text }))).click();

  beforeEach(async () => {
    browser = createTestBrowser();
    TestBed.configureTestingModule({
      imports: [AppsPage],
      providers: [...provideTestBrowser(browser)],
    });
    http = TestBed.inject(HttpTestingController);
    await signInWithGrants([{ appId: '*', role: 'admin' }], [DEMO]);
    fixture = TestBed.createComponent(AppsPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await settle();
    call('GET', '/team/api/apps').flush([DEMO, TOKYO]);
    await settle();
  });
  afterEach(() => http.verify());

  it('lists the apps with site, who added them, when, and the role, names as text', async () => {
    const [demo, tokyo] = await rows();
    expect(demo['label']).toBe('Demo app');
    expect(demo['appId']).toBe('demo');
    expect(demo['site']).toBe('http://127.0.0.1:8080/api');
    expect(demo['addedBy']).toBe('root');
    expect(demo['addedAt']).toMatch(/^Dec 1, 2026/);
    expect(demo['role']).toBe('Admin');
    expect(tokyo['site']).toBe('Japan · https://api-jp.kii.com/api');
  });

  it('checks the form before sending: required fields, the app ID rule, a custom base URL', async () => {
    const dialog = await openConnect();
    await (await field(dialog, 'appId')).setValue('not an id');
    await submit(dialog);
    http.expectNone('/team/api/apps');
    const errors = await Promise.all(
      (await dialog.getAllHarnesses(MatFormFieldHarness)).map((f) => f.getTextErrors()),
    );
    expect(errors.flat()).toEqual([
      'Use letters, digits and . _ - only.',
      'Required.',
      'Required.',
      'Required.',
    ]);
    await (await dialog.getHarness(MatSelectHarness)).clickOptions({ text: 'Custom base URL' });
    const baseUrl = await field(dialog, 'baseUrl');
    await baseUrl.setValue('ftp://example.com');
    await baseUrl.blur();
    expect(await (await dialog.host()).text()).toContain('Enter an http or https URL.');
    expect(await (await field(dialog, 'clientSecret')).getType()).toBe('password');
  });

  it('connects an app with the CSRF token and adds its row, the secret only in the request', async () => {
    const dialog = await openConnect();
    await fill(dialog, 'fresh');
    await submit(dialog);
    const request = call('POST', '/team/api/apps');
    expect(request.request.headers.get('x-kpc-csrf')).toBe(GRANTS_CSRF);
    expect(JSON.parse(request.request.body as string)).toEqual({
      appId: 'fresh',
      label: 'New app',
      site: 'custom',
      baseUrl: 'http://127.0.0.1:9/api',
      appKey: 'key-1',
      clientId: 'client-1',
      clientSecret: SECRET,
    });
    const { role: _role, ...answer } = { ...DEMO, appId: 'fresh', label: 'New app' };
    request.flush(answer, { status: 201, statusText: 'Created' });
    await settle();
    // The session's app list follows, so the app choice offers the new app.
    call('GET', '/team/api/apps').flush([DEMO, { ...answer, role: 'admin' }]);
    await settle();
    expect(await overlays.getAllHarnesses(MatDialogHarness)).toEqual([]);
    const added = (await rows()).find((row) => row['appId'] === 'fresh')!;
    expect(added['role']).toBe('Admin');
    expect(await (await overlays.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'fresh is connected.',
    );
    const stored = [browser.localStorage, browser.sessionStorage].flatMap((storage) =>
      Array.from({ length: storage.length }, (_, i) => storage.getItem(storage.key(i)!) ?? ''),
    );
    expect(stored.filter((value) => value.includes(SECRET))).toEqual([]);
    expect((fixture.nativeElement as HTMLElement).textContent).not.toContain(SECRET);
  });

  it('shows Kii refusing the credentials in the dialog and keeps the form', async () => {
    const dialog = await openConnect();
    await fill(dialog, 'fresh');
    await submit(dialog);
    call('POST', '/team/api/apps').flush(
      {
        error: {
          code: 'KII_CREDENTIALS_REFUSED',
          message: 'Kii refused these credentials (HTTP 400 invalid_grant)',
          details: { kii: { status: 400, errorCode: 'invalid_grant' } },
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    const alert = document.querySelector('kpc-app-credentials-dialog [role=alert]');
    expect(alert?.textContent).toContain('Kii refused these credentials, so nothing was stored.');
    expect(alert?.textContent).toContain('invalid_grant');
    expect(await (await field(dialog, 'appId')).getValue()).toBe('fresh');
    expect(await (await field(dialog, 'clientSecret')).getValue()).toBe(SECRET);
  });

  it('says an app already connected is replaced from its row, in the dialog', async () => {
    const dialog = await openConnect();
    await fill(dialog, 'demo');
    await submit(dialog);
    call('POST', '/team/api/apps').flush(
      { error: { code: 'APP_ALREADY_CONNECTED', message: 'App demo is already connected' } },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    const text = await (await dialog.host()).text();
    expect(text).toContain('This app is already connected.');
    expect(text).toContain('APP_ALREADY_CONNECTED');
  });

  it('resets the form when the dialog closes, the secret included', async () => {
    let dialog = await openConnect();
    await fill(dialog, 'fresh');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    await settle();
    dialog = await openConnect();
    expect(await (await field(dialog, 'appId')).getValue()).toBe('');
    expect(await (await field(dialog, 'clientSecret')).getValue()).toBe('');
  });

  it('replaces the credentials of an app with PUT, the app ID fixed', async () => {
    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Replace credentials of tokyo"]' }),
      )
    ).click();
    const dialog = await overlays.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Replace the credentials of tokyo');
    expect(await (await field(dialog, 'appId')).isReadonly()).toBeTrue();
    expect(await (await dialog.getHarness(MatSelectHarness)).getValueText()).toBe('Japan');
    await (await field(dialog, 'appKey')).setValue('key-2');
    await (await field(dialog, 'clientId')).setValue('client-2');
    await (await field(dialog, 'clientSecret')).setValue(SECRET);
    await submit(dialog, 'Replace credentials');
    const request = call('PUT', '/team/api/apps/tokyo');
    expect(JSON.parse(request.request.body as string)).toEqual({
      label: 'Tokyo',
      site: 'jp',
      appKey: 'key-2',
      clientId: 'client-2',
      clientSecret: SECRET,
    });
    const { role: _role, ...answer } = { ...TOKYO, updatedAt: ADDED_AT + 1 };
    request.flush(answer);
    await settle();
    call('GET', '/team/api/apps').flush([DEMO, TOKYO]);
    await settle();
    expect(await overlays.getAllHarnesses(MatDialogHarness)).toEqual([]);
    expect((await rows())[1]['role']).toBe('Admin');
  });

  it('disconnects an app only after the confirmation says what happens', async () => {
    const open = async () =>
      (
        await loader.getHarness(
          MatButtonHarness.with({ selector: '[aria-label="Disconnect tokyo"]' }),
        )
      ).click();
    await open();
    let dialog = await overlays.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Disconnect Tokyo?');
    const text = await dialog.getContentText();
    expect(text).toContain('forgets the credentials of tokyo');
    expect(text).toContain("installations registry keeps the app's rows");
    expect(text).toContain('people keep their roles on it');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    await settle();
    http.expectNone((r) => r.method === 'DELETE');

    await open();
    dialog = await overlays.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Disconnect' }))).click();
    await settle();
    call('DELETE', '/team/api/apps/tokyo').flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    call('GET', '/team/api/apps').flush([DEMO]);
    await settle();
    expect((await rows()).map((row) => row['appId'])).toEqual(['demo']);
  });

  it('shows a failed load inline with Retry', async () => {
    fixture.destroy();
    fixture = TestBed.createComponent(AppsPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await settle();
    call('GET', '/team/api/apps').flush(
      { error: { code: 'INTERNAL', message: 'Internal server error' } },
      { status: 500, statusText: 'Server Error' },
    );
    await settle();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain(
      'The connected apps could not be loaded:',
    );
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    call('GET', '/team/api/apps').flush([DEMO]);
    await settle();
    expect((await rows()).length).toBe(1);
  });
});
