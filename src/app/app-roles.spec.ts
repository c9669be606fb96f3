import { BreakpointObserver } from '@angular/cdk/layout';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatNavListHarness } from '@angular/material/list/testing';
import { provideRouter } from '@angular/router';
import { of } from 'rxjs';

import { signInWithGrants } from '../testing/team-grants';
import { createTestBrowser, provideTestBrowser } from '../testing/test-providers';
import { App } from './app';
import { LocalServer } from './core/local-server';
import { RoleGrant, TEAM_ROLES } from './core/team/team-types';

const ROLE_NAMES = { viewer: 'Viewer', support: 'Support', operator: 'Operator', admin: 'Admin' };
const EVERYONE = ['Installations', 'Live traffic', 'Compose push', 'Topics', 'Audit', 'Apps'];

/**
 * The side navigation of team mode: the browser-only areas (Connect, Diagnose) for nobody, Apps
 * (the list; managing is gated on the page) for everyone, People & roles only for an admin of
 * every app (the console server's people routes need it).
 */
const CASES: readonly { who: string; roles: RoleGrant[]; areas: string[]; status: string }[] = [
  ...TEAM_ROLES.map((role) => ({
    who: `${role} of one app`,
    roles: [{ appId: 'team-app', role }],
    areas: EVERYONE,
    status: `Spec person · ${ROLE_NAMES[role]} · team-app`,
  })),
  {
    who: 'admin of every app',
    roles: [{ appId: '*', role: 'admin' }],
    areas: [...EVERYONE, 'People & roles'],
    status: 'Spec person · Admin · team-app',
  },
];

describe('App shell in team mode, per role', () => {
  for (const { who, roles, areas, status } of CASES) {
    it(`lists the areas the ${who} works in and names the role in the toolbar`, async () => {
      TestBed.configureTestingModule({
        imports: [App],
        providers: [
          ...provideTestBrowser(createTestBrowser()),
          provideRouter([]),
          { provide: BreakpointObserver, useValue: { observe: () => of({ matches: false }) } },
          { provide: LocalServer, useValue: { info: signal(null), baseUrl: '' } },
        ],
      });
      await signInWithGrants(roles, [
        { appId: 'team-app', label: 'Team app', site: 'custom', baseUrl: '', role: roles[0].role },
      ]);
      const fixture = TestBed.createComponent(App);
      await fixture.whenStable();
      const loader = TestbedHarnessEnvironment.loader(fixture);
      const nav = await loader.getHarness(MatNavListHarness);
      const titles = await Promise.all((await nav.getItems()).map((item) => item.getTitle()));
      expect(titles).toEqual(areas);
      const text = (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
      expect(text).toContain(status);
      TestBed.inject(HttpTestingController).verify();
    });
  }
});
