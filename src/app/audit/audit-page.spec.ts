import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';

import { signInWithGrants } from '../../testing/team-grants';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { RoleGrant, TEAM_ROLES } from '../core/team/team-types';
import { AuditEntry } from './audit-entry';
import AuditPage from './audit-page';

const HOSTILE = '<img src=x onerror="alert(1)">';

const OWN = 'You see your own actions.';
const ADMINISTERED = "You see your own actions and everyone's actions on the apps you administer.";
const WHOLE = "You see the whole trail: everyone's actions on every app.";

interface Seen {
  readonly scope: string;
  readonly personFilter: boolean;
  readonly appFilter: boolean;
  readonly exportCsv: boolean;
}

/**
 * What each person sees (README.md, "What each role sees": viewers and up their own actions, admins the whole trail;
 * console-server/routes/audit-routes.ts also shows an admin of some apps everyone's actions on
 * those). The CSV export holds only what the person may read, so everyone has it.
 */
const ROLE_CASES: readonly { who: string; roles: RoleGrant[]; sees: Seen }[] = [
  ...TEAM_ROLES.filter((role) => role !== 'admin').map((role) => ({
    who: `${role} of one app`,
    roles: [{ appId: 'demo', role }],
    sees: { scope: OWN, personFilter: false, appFilter: true, exportCsv: true },
  })),
  {
    who: 'admin of one app',
    roles: [{ appId: 'demo', role: 'admin' }],
    sees: { scope: ADMINISTERED, personFilter: true, appFilter: true, exportCsv: true },
  },
  {
    who: 'admin of one app, viewer of every app',
    roles: [
      { appId: 'demo', role: 'admin' },
      { appId: '*', role: 'viewer' },
    ],
    sees: { scope: ADMINISTERED, personFilter: true, appFilter: true, exportCsv: true },
  },
  {
    who: 'operator of every app',
    roles: [{ appId: '*', role: 'operator' }],
    sees: { scope: OWN, personFilter: false, appFilter: true, exportCsv: true },
  },
  {
    who: 'admin of every app',
    roles: [{ appId: '*', role: 'admin' }],
    sees: { scope: WHOLE, personFilter: true, appFilter: true, exportCsv: true },
  },
];

function entry(seq: number, change: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    time: '2026-12-06T05:00:00.000Z',
    person: 'olivia',
    appId: 'demo',
    action: 'installation.uninstall',
    target: `inst-${seq}`,
    status: 204,
    errorCode: null,
    clientAddress: '127.0.0.1',
    details: {},
    ...change,
  };
}

describe('AuditPage', () => {
  let fixture: ComponentFixture<AuditPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  const isAudit = (request: { url: string; method: string }) =>
    request.method === 'GET' && request.url === '/team/api/audit';

  async function answer(body: object, status = 200): Promise<TestRequest> {
    const request = http.expectOne(isAudit);
    if (status === 200) request.flush(body);
    else request.flush(body, { status, statusText: 'Error' });
    await fixture.whenStable();
    return request;
  }

  async function rows(): Promise<Record<string, string>[]> {
    const table = await loader.getHarness(MatTableHarness);
    const out: Record<string, string>[] = [];
    for (const row of await table.getRows()) out.push(await row.getCellTextByColumnName());
    return out;
  }

  async function render(roles: RoleGrant[] = [{ appId: '*', role: 'admin' }]): Promise<void> {
    TestBed.configureTestingModule({
      imports: [AuditPage],
      providers: [...provideTestBrowser(createTestBrowser())],
    });
    http = TestBed.inject(HttpTestingController);
    await signInWithGrants(roles);
    fixture = TestBed.createComponent(AuditPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  }

  beforeEach(() => render());
  afterEach(() => http.verify());

  it('shows who, when, app, what, target, outcome and address, hostile text as text', async () => {
    const first = await answer({
      entries: [
        entry(2, {
          target: HOSTILE,
          status: 404,
          errorCode: 'INSTALLATION_NOT_FOUND',
          person: null,
          action: 'sign-in.failed',
        }),
        entry(1, { details: { counts: { uninstalled: 1 }, note: '<b>bold</b>' } }),
      ],
      nextBefore: null,
    });
    expect(first.request.params.get('limit')).toBe('50');
    expect(first.request.params.keys()).toEqual(['limit']);
    const [failed, ok] = await rows();
    expect(failed['person']).toBe('nobody signed in');
    expect(failed['action']).toBe('Failed sign-in sign-in.failed');
    expect(failed['target']).toBe(HOSTILE);
    expect(failed['outcome']).toContain('Failed (404)');
    expect(failed['outcome']).toContain('INSTALLATION_NOT_FOUND');
    expect(ok['person']).toBe('olivia');
    expect(ok['app']).toBe('demo');
    expect(ok['outcome']).toContain('Succeeded (204)');
    expect(ok['address']).toBe('127.0.0.1');
    expect(ok['time']).toMatch(/2026/);
    expect(failed['details']).toBe('');
    expect(ok['details']).toContain('2 entries');
    expect(ok['details']).toContain('note: "<b>bold</b>"');
    expect((fixture.nativeElement as HTMLElement).querySelector('img, td b')).toBeNull();
    expect(
      await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Load older entries' })),
    ).toEqual([]);
  });

  it('sends the filters, pages with before and keeps the CSV link on the same filters', async () => {
    await answer({ entries: [entry(9)], nextBefore: null });
    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[name=person]' }))
    ).setValue(' olivia ');
    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[name=app]' }))
    ).setValue('demo');
    const [action, outcome] = await loader.getAllHarnesses(MatSelectHarness);
    await action.clickOptions({ text: 'Uninstall' });
    await outcome.clickOptions({ text: 'Refused or failed' });
    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[name=from]' }))
    ).setValue('2026-12-01T00:00');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Apply filters' }))).click();
    const filtered = await answer({ entries: [entry(8), entry(7)], nextBefore: 7 });
    const params = filtered.request.params;
    expect(params.get('person')).toBe('olivia');
    expect(params.get('app')).toBe('demo');
    expect(params.get('action')).toBe('installation.uninstall');
    expect(params.get('outcome')).toBe('failed');
    expect(params.get('from')).toBe(new Date('2026-12-01T00:00').toISOString());
    expect(params.has('to')).toBeFalse();

    const link = (fixture.nativeElement as HTMLElement).querySelector<HTMLAnchorElement>(
      'a[download]',
    )!;
    const csv = new URL(link.href);
    expect(csv.pathname).toBe('/team/api/audit');
    expect(csv.searchParams.get('format')).toBe('csv');
    expect(csv.searchParams.get('outcome')).toBe('failed');
    expect(csv.searchParams.get('person')).toBe('olivia');

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Load older entries' }))).click();
    const older = await answer({ entries: [entry(6)], nextBefore: null });
    expect(older.request.params.get('before')).toBe('7');
    expect(older.request.params.get('outcome')).toBe('failed');
    expect((await rows()).map((row) => row['target'])).toEqual(['inst-8', 'inst-7', 'inst-6']);
  });

  it('refuses a time range that ends before it starts', async () => {
    await answer({ entries: [], nextBefore: null });
    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[name=from]' }))
    ).setValue('2026-12-02T00:00');
    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[name=to]' }))
    ).setValue('2026-12-01T00:00');
    const apply = await loader.getHarness(MatButtonHarness.with({ text: 'Apply filters' }));
    expect(await apply.isDisabled()).toBeTrue();
    expect(fixture.nativeElement.textContent).toContain(
      'The end of the time range must be after its start.',
    );
  });

  it('shows a failed load inline and retries it', async () => {
    await answer({ error: { code: 'UNAUTHENTICATED', message: 'Sign in first' } }, 401);
    expect(fixture.nativeElement.textContent).toContain('The audit trail could not be loaded:');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    await answer({ entries: [entry(1)], nextBefore: null });
    expect((await rows()).length).toBe(1);
    expect(fixture.nativeElement.textContent).not.toContain('could not be loaded');
  });

  for (const { who, roles, sees } of ROLE_CASES) {
    it(`shows the ${who} what the server lets them read, with the filters that fit`, async () => {
      http.expectOne(isAudit).flush({ entries: [], nextBefore: null });
      TestBed.resetTestingModule();
      await render(roles);
      await answer({ entries: [entry(1)], nextBefore: null });
      const text = (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
      const hasInput = async (name: string) =>
        (await loader.getAllHarnesses(MatInputHarness.with({ selector: `[name=${name}]` })))
          .length > 0;
      const exportLinks = await loader.getAllHarnesses(
        MatButtonHarness.with({ text: /Export CSV$/ }),
      );
      expect({
        scope: [OWN, ADMINISTERED, WHOLE].find((line) => text.includes(line)) ?? '',
        personFilter: await hasInput('person'),
        appFilter: await hasInput('app'),
        exportCsv: exportLinks.length === 1,
      }).toEqual(sees);
      expect((await rows()).length).toBe(1);
    });
  }

  it('says so when nothing matches', async () => {
    // The lead's two sentences are two i18n units; the space between them is the template's.
    const lead = (fixture.nativeElement as HTMLElement).querySelector('.kpc-lead')!.textContent!;
    expect(lead).toContain('how it ended. You see the whole trail');
    await answer({ entries: [], nextBefore: null });
    expect(fixture.nativeElement.textContent).toContain('No entry matches these filters.');
  });
});
