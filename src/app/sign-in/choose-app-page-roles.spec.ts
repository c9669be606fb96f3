import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatNavListHarness } from '@angular/material/list/testing';
import { Router, provideRouter } from '@angular/router';

import { signInWithGrants } from '../../testing/team-grants';
import { teamApp } from '../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { TeamSession } from '../core/team/team-session';
import { ConnectedApp, RoleGrant, TEAM_ROLES, TeamRole } from '../core/team/team-types';
import ChooseAppPage from './choose-app-page';

const CONNECT = 'Connect an app on the Apps page';
const NO_ROLE = 'You hold no role on any connected app yet.';
const ROLE_LABEL: Record<TeamRole, string> = {
  viewer: 'Viewer',
  support: 'Support',
  operator: 'Operator',
  admin: 'Admin',
};

// console-server/routes/apps-routes.ts: GET /apps lists the connected apps the person holds a
// role on, whatever the role; POST /apps (connecting one) needs admin on every app ('*').
// With no app connected yet, the page links to the Apps page for exactly those people.
//                                                viewer    support   operator  admin
const CONNECT_LINK_EVERY_APP: ByRole<ControlState> = ['hidden', 'hidden', 'hidden', 'enabled'];

describe('ChooseAppPage, per role', () => {
  let fixture: ComponentFixture<ChooseAppPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  /** Signs in with `roles`, opens the page and answers its app list with `apps`. */
  async function render(roles: RoleGrant[], apps: ConnectedApp[]): Promise<void> {
    TestBed.configureTestingModule({
      imports: [ChooseAppPage],
      providers: [
        ...provideTestBrowser(createTestBrowser()),
        provideRouter([{ path: 'installations', children: [] }]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signInWithGrants(roles);
    fixture = TestBed.createComponent(ChooseAppPage);
    await fixture.whenStable();
    http.expectOne('/team/api/apps').flush(apps);
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const connectLink = () => buttonState(loader, MatButtonHarness.with({ text: CONNECT }));
  const url = () => TestBed.inject(Router).url;

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role} of every app`, () => {
      const grants: RoleGrant[] = [{ appId: '*', role }];

      it('lists every connected app with the role held there, and opens the one chosen', async () => {
        await render(grants, [teamApp(role, 'app-a'), teamApp(role, 'app-b')]);
        const list = await loader.getHarness(MatNavListHarness);
        const items = await list.getItems();
        expect(await Promise.all(items.map((item) => item.getTitle()))).toEqual([
          'Team app',
          'Team app',
        ]);
        expect(await Promise.all(items.map((item) => item.getSecondaryText()))).toEqual([
          `app-a · ${ROLE_LABEL[role]} · http://127.0.0.1:9/api`,
          `app-b · ${ROLE_LABEL[role]} · http://127.0.0.1:9/api`,
        ]);
        expect(await connectLink()).toBe('hidden');
        await items[1].click();
        await fixture.whenStable();
        expect(TestBed.inject(TeamSession).appId()).toBe('app-b');
        expect(url()).toBe('/installations');
      });

      it('opens the only app at once', async () => {
        await render(grants, [teamApp(role, 'app-a')]);
        expect(TestBed.inject(TeamSession).role()).toBe(role);
        expect(url()).toBe('/installations');
      });

      it(`${forRole(CONNECT_LINK_EVERY_APP, role) === 'hidden' ? 'offers no' : 'offers a'} link to connect an app when none is connected`, async () => {
        await render(grants, []);
        expect(text()).toContain(NO_ROLE);
        expect(await connectLink()).toBe(forRole(CONNECT_LINK_EVERY_APP, role));
        expect(url()).toBe('/');
      });
    });
  }

  describe('as admin of one app', () => {
    // Admin of app-a only: the server's POST /apps refuses them, so no link, even with no app.
    const grants: RoleGrant[] = [{ appId: 'app-a', role: 'admin' }];

    it('offers no link to connect an app once that app is gone', async () => {
      await render(grants, []);
      expect(text()).toContain(NO_ROLE);
      expect(await connectLink()).toBe('hidden');
    });

    it('lists only the apps the server says they hold a role on', async () => {
      await render(
        [...grants, { appId: 'app-b', role: 'viewer' }],
        [teamApp('admin', 'app-a'), teamApp('viewer', 'app-b')],
      );
      const items = await (await loader.getHarness(MatNavListHarness)).getItems();
      expect(await Promise.all(items.map((item) => item.getSecondaryText()))).toEqual([
        'app-a · Admin · http://127.0.0.1:9/api',
        'app-b · Viewer · http://127.0.0.1:9/api',
      ]);
      expect(await connectLink()).toBe('hidden');
    });
  });
});
