import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';

import { signInWithGrants } from '../../testing/team-grants';
import { ControlState, buttonState } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { RoleGrant, TEAM_ROLES, effectiveRole } from '../core/team/team-types';
import AppsPage from './apps-page';
import { TeamAppRow } from './team-app';

const ADMIN_ONLY = 'Only an admin of every app connects apps.';
const DEMO: TeamAppRow = {
  appId: 'demo',
  label: 'Demo',
  site: 'custom',
  baseUrl: 'http://127.0.0.1:1/api',
  addedBy: 'root',
  addedAt: Date.UTC(2026, 11, 1),
  updatedAt: Date.UTC(2026, 11, 1),
  role: 'viewer',
};

const CONTROLS = ['Connect an app…', 'Replace credentials of demo', 'Disconnect demo'] as const;
type Controls = Record<(typeof CONTROLS)[number], ControlState>;
const controlsOf = (connect: ControlState, manage: ControlState): Controls => ({
  'Connect an app…': connect,
  'Replace credentials of demo': manage,
  'Disconnect demo': manage,
});

/**
 * As console-server/routes/apps-routes.ts checks it: connecting takes admin on every app,
 * replacing and disconnecting admin of that app; everyone with a role reads the list.
 */
const CASES: readonly { who: string; roles: RoleGrant[]; sees: Controls }[] = [
  ...TEAM_ROLES.map((role) => ({
    who: `${role} of one app`,
    roles: [{ appId: 'demo', role }],
    sees: controlsOf('hidden', role === 'admin' ? 'enabled' : 'hidden'),
  })),
  {
    who: 'admin of one app and viewer of every app',
    roles: [
      { appId: '*', role: 'viewer' },
      { appId: 'demo', role: 'admin' },
    ],
    sees: controlsOf('hidden', 'enabled'),
  },
  {
    who: 'operator of every app',
    roles: [{ appId: '*', role: 'operator' }],
    sees: controlsOf('hidden', 'hidden'),
  },
  {
    who: 'admin of every app',
    roles: [{ appId: '*', role: 'admin' }],
    sees: controlsOf('enabled', 'enabled'),
  },
];

describe('AppsPage in team mode, per role', () => {
  let fixture: ComponentFixture<AppsPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  afterEach(() => http.verify());

  for (const { who, roles, sees } of CASES) {
    it(`shows the ${who} the list and ${sees['Connect an app…'] === 'hidden' ? 'the admin note' : 'Connect an app'}, managing as the role allows`, async () => {
      TestBed.configureTestingModule({
        imports: [AppsPage],
        providers: [...provideTestBrowser(createTestBrowser())],
      });
      http = TestBed.inject(HttpTestingController);
      const app = { ...DEMO, role: effectiveRole(roles, 'demo')! };
      await signInWithGrants(roles, [app]);
      fixture = TestBed.createComponent(AppsPage);
      loader = TestbedHarnessEnvironment.loader(fixture);
      await fixture.whenStable();
      http.expectOne('/team/api/apps').flush([app]);
      await fixture.whenStable();

      const rows = await (await loader.getHarness(MatTableHarness)).getRows();
      expect(rows.length).toBe(1);
      const text = (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
      expect(text.includes(ADMIN_ONLY)).toBe(sees['Connect an app…'] === 'hidden');
      const seen = {} as Controls;
      for (const name of CONTROLS) {
        const query = name.endsWith('…')
          ? MatButtonHarness.with({ text: new RegExp(`${name}$`) })
          : MatButtonHarness.with({ selector: `[aria-label="${name}"]` });
        seen[name] = await buttonState(loader, query);
      }
      expect(seen).toEqual(sees);
    });
  }
});
