import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';

import { signInWithGrants } from '../../testing/team-grants';
import { ControlState, buttonState } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { ConnectedApp, RoleGrant, TEAM_ROLES } from '../core/team/team-types';
import PeoplePage from './people-page';
import { Person } from './person';

const ADMIN_ONLY = 'Only an admin of every app manages people and roles.';
const APPS: ConnectedApp[] = [
  { appId: 'demo', label: 'Demo', site: 'custom', baseUrl: 'http://127.0.0.1:1', role: 'admin' },
];
const VERA: Person = {
  id: 2,
  login: 'vera',
  displayName: 'Vera',
  disabled: false,
  hasPassword: true,
  createdAt: Date.UTC(2026, 11, 1),
  modifiedAt: Date.UTC(2026, 11, 1),
  roles: [{ appId: 'demo', role: 'viewer' }],
};

const CONTROLS = ['Add person…', 'Change roles of vera', 'Disable vera'] as const;
type Controls = Record<(typeof CONTROLS)[number], ControlState>;
const NOTHING: Controls = {
  'Add person…': 'hidden',
  'Change roles of vera': 'hidden',
  'Disable vera': 'hidden',
};

/**
 * Managing people is a team admin's job: admin on every app (console-server/routes/
 * people-routes.ts; an admin of one app must not create accounts or raise anyone elsewhere).
 */
const CASES: readonly { who: string; roles: RoleGrant[]; manages: boolean }[] = [
  ...TEAM_ROLES.map((role) => ({
    who: `${role} of one app`,
    roles: [{ appId: 'demo', role }],
    manages: false,
  })),
  { who: 'operator of every app', roles: [{ appId: '*', role: 'operator' }], manages: false },
  { who: 'admin of every app', roles: [{ appId: '*', role: 'admin' }], manages: true },
];

describe('PeoplePage in team mode, per role', () => {
  let fixture: ComponentFixture<PeoplePage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(roles: RoleGrant[]): Promise<void> {
    TestBed.configureTestingModule({
      imports: [PeoplePage],
      providers: [...provideTestBrowser(createTestBrowser())],
    });
    http = TestBed.inject(HttpTestingController);
    await signInWithGrants(roles, APPS);
    fixture = TestBed.createComponent(PeoplePage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  async function controls(): Promise<Controls> {
    const seen = { ...NOTHING };
    for (const name of CONTROLS) {
      const query = name.endsWith('…')
        ? MatButtonHarness.with({ text: new RegExp(`${name}$`) })
        : MatButtonHarness.with({ selector: `[aria-label="${name}"]` });
      seen[name] = await buttonState(loader, query);
    }
    return seen;
  }

  afterEach(() => http.verify());

  for (const { who, roles, manages } of CASES) {
    if (manages) {
      it(`lets the ${who} add people, change roles and disable people`, async () => {
        await render(roles);
        http.expectOne('/team/api/people').flush([VERA]);
        http.expectOne('/team/api/apps').flush(APPS);
        await fixture.whenStable();
        expect(text()).not.toContain(ADMIN_ONLY);
        const rows = await (await loader.getHarness(MatTableHarness)).getRows();
        expect(rows.length).toBe(1);
        expect(await controls()).toEqual({
          'Add person…': 'enabled',
          'Change roles of vera': 'enabled',
          'Disable vera': 'enabled',
        });
      });
    } else {
      it(`tells the ${who} to ask a team admin, and loads nobody`, async () => {
        await render(roles);
        http.expectNone('/team/api/people');
        expect(text()).toContain(ADMIN_ONLY);
        expect(await loader.getAllHarnesses(MatTableHarness)).toEqual([]);
        expect(await controls()).toEqual(NOTHING);
      });
    }
  }
});
