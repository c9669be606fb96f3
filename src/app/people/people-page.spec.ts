import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';

import { GRANTS_CSRF, signInWithGrants } from '../../testing/team-grants';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { ConnectedApp } from '../core/team/team-types';
import PeoplePage from './people-page';
import { Person, generatePassword } from './person';

const APPS: ConnectedApp[] = [
  { appId: 'demo', label: 'Demo', site: 'custom', baseUrl: 'http://127.0.0.1:1', role: 'admin' },
  { appId: 'other', label: 'other', site: 'jp', baseUrl: '', role: 'admin' },
];

function person(id: number, login: string, change: Partial<Person> = {}): Person {
  return {
    id,
    login,
    displayName: login.toUpperCase(),
    disabled: false,
    hasPassword: true,
    createdAt: Date.UTC(2026, 11, 1),
    modifiedAt: Date.UTC(2026, 11, 1),
    roles: [],
    ...change,
  };
}

const ROOT = person(1, 'root', { roles: [{ appId: '*', role: 'admin' }] });
const VERA = person(2, 'vera', { roles: [{ appId: 'demo', role: 'viewer' }] });

describe('PeoplePage', () => {
  let fixture: ComponentFixture<PeoplePage>;
  let loader: HarnessLoader;
  let overlays: HarnessLoader;
  let http: HttpTestingController;

  async function settle(): Promise<void> {
    await fixture.whenStable();
  }

  async function load(people: Person[] = [ROOT, VERA]): Promise<void> {
    http.expectOne('/team/api/people').flush(people);
    http.expectOne('/team/api/apps').flush(APPS);
    await settle();
  }

  async function rows(): Promise<Record<string, string>[]> {
    const table = await loader.getHarness(MatTableHarness);
    const out: Record<string, string>[] = [];
    for (const row of await table.getRows()) out.push(await row.getCellTextByColumnName());
    return out;
  }

  async function expectCall(method: string, url: string): Promise<TestRequest> {
    const request = http.expectOne((r) => r.method === method && r.url === url);
    return request;
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [PeoplePage],
      providers: [...provideTestBrowser(createTestBrowser())],
    });
    http = TestBed.inject(HttpTestingController);
    await signInWithGrants([{ appId: '*', role: 'admin' }], APPS);
    fixture = TestBed.createComponent(PeoplePage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await settle();
  });
  afterEach(() => http.verify());

  it('lists people with their state and roles', async () => {
    await load([ROOT, person(3, '<b>x</b>', { disabled: true, roles: [] }), VERA]);
    const [root, hostile, vera] = await rows();
    expect(root['login']).toBe('root');
    expect(root['roles']).toBe('Admin on every app');
    expect(root['state']).toMatch(/^Active since Dec 1, 2026$/);
    expect(hostile['login']).toBe('<b>x</b>');
    expect(hostile['state']).toBe('Disabled');
    expect(hostile['roles']).toBe('No role');
    expect(vera['roles']).toBe('Viewer on demo');
    expect((fixture.nativeElement as HTMLElement).querySelector('td b, th b')).toBeNull();
  });

  it('adds a person with a generated password and roles', async () => {
    await load();
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add person/ }))).click();
    const dialog = await overlays.getHarness(MatDialogHarness);
    const submit = await dialog.getHarness(MatButtonHarness.with({ text: 'Add person' }));
    expect(await submit.isDisabled()).toBeTrue();
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=login]' }))
    ).setValue('olga');
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=displayName]' }))
    ).setValue('Olga O');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Generate' }))).click();
    const password = await dialog.getHarness(MatInputHarness.with({ selector: '[name=password]' }));
    const generated = await password.getValue();
    expect(generated.length).toBe(20);
    expect(await password.getType()).toBe('text');
    const selects = await dialog.getAllHarnesses(MatSelectHarness);
    expect(selects.length).toBe(3);
    await selects[1].clickOptions({ text: 'Operator' });
    await submit.click();

    const created = await expectCall('POST', '/team/api/people');
    expect(created.request.headers.get('x-kpc-csrf')).toBe(GRANTS_CSRF);
    expect(JSON.parse(created.request.body as string)).toEqual({
      login: 'olga',
      displayName: 'Olga O',
      password: generated,
      roles: [{ appId: 'demo', role: 'operator' }],
    });
    created.flush(person(4, 'olga', { roles: [{ appId: 'demo', role: 'operator' }] }));
    await settle();
    expect(await overlays.getAllHarnesses(MatDialogHarness)).toEqual([]);
    expect((await rows()).map((row) => row['login'])).toEqual(['olga', 'root', 'vera']);
    expect(await (await overlays.getHarness(MatSnackBarHarness)).getMessage()).toBe('olga added.');
  });

  it('keeps the dialog open with the server refusal beside what was typed', async () => {
    await load();
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add person/ }))).click();
    const dialog = await overlays.getHarness(MatDialogHarness);
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=login]' }))
    ).setValue('vera');
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=displayName]' }))
    ).setValue('V');
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=password]' }))
    ).setValue('twelve-chars-ok');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add person' }))).click();
    (await expectCall('POST', '/team/api/people')).flush(
      { error: { code: 'CONFLICT', message: 'The login vera is taken' } },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    const text = await (await dialog.host()).text();
    expect(text).toContain('The login vera is taken');
    expect(text).toContain('CONFLICT');
    expect(
      await (
        await dialog.getHarness(MatInputHarness.with({ selector: '[name=login]' }))
      ).getValue(),
    ).toBe('vera');
  });

  it('refuses a login the server would refuse and a short password before sending', async () => {
    await load();
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add person/ }))).click();
    const dialog = await overlays.getHarness(MatDialogHarness);
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=login]' }))
    ).setValue('Olga Smith');
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=displayName]' }))
    ).setValue('Olga');
    await (
      await dialog.getHarness(MatInputHarness.with({ selector: '[name=password]' }))
    ).setValue('short');
    expect(await (await dialog.host()).text()).toContain('Use lower-case letters');
    expect(
      await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add person' }))).isDisabled(),
    ).toBeTrue();
  });

  it('changes a person’s roles', async () => {
    await load();
    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Change roles of vera"]' }),
      )
    ).click();
    const dialog = await overlays.getHarness(MatDialogHarness);
    const [every, demo] = await dialog.getAllHarnesses(MatSelectHarness);
    expect(await demo.getValueText()).toBe('Viewer');
    await demo.clickOptions({ text: 'No role' });
    await every.clickOptions({ text: 'Support' });
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save roles' }))).click();
    const request = await expectCall('PUT', '/team/api/people/2/roles');
    expect(JSON.parse(request.request.body as string)).toEqual({
      roles: [{ appId: '*', role: 'support' }],
    });
    request.flush({ ...VERA, roles: [{ appId: '*', role: 'support' }] });
    await settle();
    expect((await rows())[1]['roles']).toBe('Support on every app');
  });

  it('disables a person, and reports a refusal', async () => {
    await load();
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Disable vera"]' }))
    ).click();
    const request = await expectCall('PUT', '/team/api/people/2');
    expect(JSON.parse(request.request.body as string)).toEqual({
      displayName: 'VERA',
      disabled: true,
    });
    request.flush({ ...VERA, disabled: true });
    await settle();
    expect((await rows())[1]['state']).toBe('Disabled');

    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Disable root"]' }))
    ).click();
    (await expectCall('PUT', '/team/api/people/1')).flush(
      {
        error: {
          code: 'LAST_TEAM_ADMIN',
          message: 'This would leave no enabled admin of every app',
        },
      },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    const message = await (await overlays.getHarness(MatSnackBarHarness)).getMessage();
    expect(message).toContain('Disabling root failed');
    expect(message).toContain('LAST_TEAM_ADMIN');
  });

  it('shows a failed load inline', async () => {
    http
      .expectOne('/team/api/people')
      .flush(
        { error: { code: 'FORBIDDEN', message: 'Needs admin on *' } },
        { status: 403, statusText: 'Forbidden' },
      );
    // combineLatest gives up on the apps once the people failed.
    expect(http.expectOne('/team/api/apps').cancelled).toBeTrue();
    await settle();
    expect(fixture.nativeElement.textContent).toContain('The people could not be loaded:');
  });
});

describe('PeoplePage for someone who is not a team admin', () => {
  it('says who manages people and asks the server nothing', async () => {
    TestBed.configureTestingModule({
      imports: [PeoplePage],
      providers: [...provideTestBrowser(createTestBrowser())],
    });
    const http = TestBed.inject(HttpTestingController);
    await signInWithGrants([{ appId: 'demo', role: 'admin' }], APPS.slice(0, 1));
    const fixture = TestBed.createComponent(PeoplePage);
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain(
      'Only an admin of every app manages people and roles.',
    );
    expect(fixture.nativeElement.querySelector('table')).toBeNull();
    http.verify();
  });
});

describe('generatePassword', () => {
  it('makes long passwords from an alphabet without look-alikes, different each time', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9_-]{20}$/);
    expect(a).not.toBe(b);
  });
});
