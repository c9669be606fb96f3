import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';

import { inputLabelled } from '../../testing/installations-harness';
import { settle } from '../../testing/installation-sessions';
import { answerDiscovery } from '../../testing/installations-setup';
import { TEAM_APP_ID, signInToTeam } from '../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole, roleTable } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { CSRF_HEADER } from '../core/team/team-api';
import { TEAM_ROLES, TeamRole } from '../core/team/team-types';
import InstallationsPage from './installations-page';

const LISTING = `/team/api/apps/${TEAM_APP_ID}/installations`;

/** The two rows of the team's registry every role is shown. */
const REGISTRY = [
  { installationID: 'inst-1', registrationID: 'reg-1', deviceType: 'MQTT', addedBy: 'olivia' },
  { installationID: 'inst-2', registrationID: 'reg-2', deviceType: 'ANDROID', addedBy: 'sam' },
].map((row) => ({ ...row, owner: { type: 'user', id: 'user-1' }, addedAt: 1_764_000_000_000 }));

// What each role gets on the Installations page (README.md, "What each role sees"; docs/team-api.md, "Installations").
//                                                 viewer     support    operator   admin
const CONTROLS = roleTable<ControlState>({
  'Look up': /*                                 */ ['enabled', 'enabled', 'enabled', 'enabled'],
  'Install…': /*                                */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Uninstall many…': /*                         */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Import into registry…': /*                   */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Uninstall inst-1 (row button)': /*           */ ['hidden', 'hidden', 'enabled', 'enabled'],
});
const ROW_SELECTION: ByRole = [false, false, true, true];

describe('InstallationsPage in team mode, per role', () => {
  let fixture: ComponentFixture<InstallationsPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(role: TeamRole): Promise<void> {
    TestBed.configureTestingModule({
      imports: [InstallationsPage],
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam(role);
    fixture = TestBed.createComponent(InstallationsPage);
    await fixture.whenStable();
    // The page asks its origin whether it is the local server, in any mode.
    answerDiscovery(http, false);
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === LISTING)
      .flush({ source: 'registry', total: REGISTRY.length, installations: REGISTRY });
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
    // Look up is disabled while its field is empty: type an ID so the role decides alone.
    await (await inputLabelled(loader, /Installation ID or/)).setValue('inst-9');
  }

  function control(name: string): Promise<ControlState> {
    if (name.endsWith('(row button)')) {
      const label = name.replace(' (row button)', '');
      return buttonState(loader, MatButtonHarness.with({ selector: `[aria-label="${label}"]` }));
    }
    // The text ends with the name: the icon's ligature comes first ("addInstall…").
    return buttonState(loader, MatButtonHarness.with({ text: new RegExp(`${name}$`) }));
  }

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role}`, () => {
      beforeEach(() => render(role));

      it('lists the registry with who added each row', async () => {
        const table = await loader.getHarness(MatTableHarness);
        const columns = await table.getCellTextByColumnName();
        expect(columns['installationID'].text).toEqual(['inst-1', 'inst-2']);
        expect(columns['addedBy'].text).toEqual(['olivia', 'sam']);
      });

      it('offers exactly the actions of the role', async () => {
        expect(await CONTROLS.observe(control)).toEqual(CONTROLS.expectedFor(role));
      });

      if (forRole(ROW_SELECTION, role)) {
        it('dry-runs an uninstall of the selected rows on the bulk route', async () => {
          const box = MatCheckboxHarness.with({ label: 'Select installation inst-1' });
          await (await loader.getHarness(box)).check();
          await (
            await loader.getHarness(MatButtonHarness.with({ text: /Uninstall 1 selected…$/ }))
          ).click();
          const overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
          const dialog = await overlays.getHarness(MatDialogHarness);
          expect(await dialog.getTitleText()).toBe('Uninstall many');
          await (await dialog.getHarness(MatButtonHarness.with({ text: 'Dry run' }))).click();
          const run = http.expectOne(`${LISTING}/bulk-uninstall`);
          expect(run.request.headers.get(CSRF_HEADER)).toBe(`csrf-${role}`);
          expect(JSON.parse(run.request.body as string)).toEqual({
            refs: ['inst-1'],
            dryRun: true,
          });
          const found = {
            ref: 'inst-1',
            status: 'would-uninstall',
            installationID: 'inst-1',
            installation: { registrationID: 'reg-1', deviceType: 'MQTT', development: false },
            kii: { status: 200 },
          };
          run.flush(
            [
              { index: 0, result: found },
              { dryRun: true, counts: {}, results: [found] },
            ]
              .map((line) => `${JSON.stringify(line)}\n`)
              .join(''),
          );
          // The dialog's progress is throttled (100 ms, trailing): wait for the last update.
          let text = '';
          for (let tries = 0; tries < 40 && !text.includes('inst-1'); tries++) {
            await settle(50);
            text = await dialog.getContentText();
          }
          expect(text).toContain('inst-1');
        });
      }

      it('offers row selection for a bulk uninstall only to roles that may uninstall', async () => {
        const boxes = await loader.getAllHarnesses(
          MatCheckboxHarness.with({ label: /^Select installation / }),
        );
        expect(boxes.length).toBe(forRole(ROW_SELECTION, role) ? REGISTRY.length : 0);
      });
    });
  }
});
