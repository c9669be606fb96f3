import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';

import { settle } from '../../testing/installation-sessions';
import { answerDiscovery } from '../../testing/installations-setup';
import { GRANTS_CSRF, signInWithGrants } from '../../testing/team-grants';
import { teamApp } from '../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { CSRF_HEADER } from '../core/team/team-api';
import { TeamSession } from '../core/team/team-session';
import { RoleGrant, TEAM_ROLES, effectiveRole } from '../core/team/team-types';
import InstallationsPage from './installations-page';
import { ImportJob } from './registry-import';

const OPEN = /Import into registry…$/;
const TITLE = "Import into the team's registry";
const apiOf = (appId: string) => `/team/api/apps/${appId}`;

// Who may open and run an import: console-server/routes/bulk-routes.ts guards POST
// /apps/:appId/installations/import and GET /apps/:appId/imports/:jobId with operator on
// that app (README.md, "Import into the registry": operators and admins).
//                                      viewer    support   operator  admin
const IMPORTS: ByRole<ControlState> = ['hidden', 'hidden', 'enabled', 'enabled'];

const FINISHED: ImportJob = {
  jobId: 'job-1',
  state: 'done',
  total: 2,
  done: 2,
  counts: { exists: 1, gone: 1, refused: 0, 'not-checked': 0 },
  results: [
    { index: 0, ref: 'inst-1', status: 'exists', installationID: 'inst-1' },
    { index: 1, ref: 'inst-9', status: 'gone', httpStatus: 404, errorCode: 'NOT_FOUND' },
  ],
};

describe('RegistryImportDialog in team mode, per role', () => {
  let fixture: ComponentFixture<InstallationsPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  /** The Installations page of `appId` (chosen among `appIds`) for a person holding `roles`. */
  async function render(roles: RoleGrant[], appIds: string[], appId: string): Promise<void> {
    TestBed.configureTestingModule({
      imports: [InstallationsPage],
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    const session = TestBed.inject(TeamSession);
    const apps = appIds.map((id) => teamApp(effectiveRole(roles, id)!, id));
    await signInWithGrants(roles, apps);
    session.chooseApp(appId);
    fixture = TestBed.createComponent(InstallationsPage);
    await fixture.whenStable();
    answerDiscovery(http, false);
    await fixture.whenStable();
    await answerListing(appId);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  async function answerListing(appId: string): Promise<void> {
    http
      .expectOne((r) => r.url === `${apiOf(appId)}/installations`)
      .flush({ source: 'registry', total: 0, installations: [] });
    await fixture.whenStable();
  }

  const openButton = () => buttonState(loader, MatButtonHarness.with({ text: OPEN }));

  /** Opens the dialog from the page, types two references and starts the import. */
  async function startImport(): Promise<MatDialogHarness> {
    await (await loader.getHarness(MatButtonHarness.with({ text: OPEN }))).click();
    const overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
    const dialog = await overlays.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe(TITLE);
    await (await dialog.getHarness(MatInputHarness)).setValue('inst-1\ninst-9');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Start import' }))).click();
    return dialog;
  }

  /** Runs an import on `appId` to the end, as the console server answers an allowed one. */
  async function runImport(appId: string): Promise<void> {
    const dialog = await startImport();
    const start = http.expectOne(`${apiOf(appId)}/installations/import`);
    expect(start.request.method).toBe('POST');
    expect(start.request.headers.get(CSRF_HEADER)).toBe(GRANTS_CSRF);
    expect(start.request.body).toBe('inst-1\ninst-9');
    start.flush(
      { jobId: 'job-1', total: 2, header: false, invalid: [], duplicates: [] },
      { status: 202, statusText: 'Accepted' },
    );
    // The first poll is on a timer(0).
    await settle(10);
    http.expectOne(`${apiOf(appId)}/imports/job-1`).flush(FINISHED);
    await settle();
    const verdicts = await (await dialog.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(verdicts['verdict'].text).toEqual(['exists', 'gone NOT_FOUND']);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Close' }))).click();
    await settle();
    // An import ran: the page reads the registry again.
    await answerListing(appId);
  }

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    const allowed = forRole(IMPORTS, role) === 'enabled';
    it(`${allowed ? 'lets' : 'does not let'} the ${role} of the app open and run an import`, async () => {
      await render([{ appId: 'team-app', role }], ['team-app'], 'team-app');
      expect(await openButton()).toBe(forRole(IMPORTS, role));
      if (allowed) await runImport('team-app');
    });
  }

  describe('as admin of one app and viewer of another', () => {
    const roles: RoleGrant[] = [
      { appId: 'team-app', role: 'admin' },
      { appId: 'other-app', role: 'viewer' },
    ];

    it('runs an import on the app they administer', async () => {
      await render(roles, ['team-app', 'other-app'], 'team-app');
      expect(await openButton()).toBe('enabled');
      await runImport('team-app');
    });

    it('is offered no import on the app they only view', async () => {
      await render(roles, ['team-app', 'other-app'], 'other-app');
      expect(await openButton()).toBe('hidden');
    });
  });

  it("shows the server's refusal when the role was taken away after the page opened", async () => {
    await render([{ appId: 'team-app', role: 'operator' }], ['team-app'], 'team-app');
    const dialog = await startImport();
    http.expectOne(`${apiOf('team-app')}/installations/import`).flush(
      {
        errorCode: 'FORBIDDEN',
        message: 'This needs the operator role on app team-app',
        needed: 'operator',
        appId: 'team-app',
      },
      { status: 403, statusText: 'Forbidden' },
    );
    await settle();
    const text = await (await dialog.host()).text();
    expect(text).toContain('The import could not run:');
    expect(text).toContain('FORBIDDEN');
  });
});
