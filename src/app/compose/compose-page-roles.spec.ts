import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter } from '@angular/router';

import { ComposePageHarness } from '../../testing/compose-page-harness';
import { TEAM_APP_ID, signInToTeam } from '../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole, roleTable } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { CSRF_HEADER } from '../core/team/team-api';
import { TEAM_ROLES, TeamRole } from '../core/team/team-types';
import ComposePage from './compose-page';

const BASE = `/team/api/apps/${TEAM_APP_ID}`;
const REFUSED =
  'Your role on this app does not allow test pushes: they need the support role or higher.';

// What each role gets on the Compose page (README.md, "What each role sees": test pushes from support up).
//                                          viewer     support    operator   admin
const CONTROLS = roleTable<ControlState>({
  Send: /*                               */ ['hidden', 'enabled', 'enabled', 'enabled'],
  'Start over': /*                       */ ['hidden', 'enabled', 'enabled', 'enabled'],
  // Browser-only: team mode has no Connect page to send anyone to.
  'Go to Connect': /*                    */ ['hidden', 'hidden', 'hidden', 'hidden'],
});
const SENDS: ByRole = [false, true, true, true];

describe('ComposePage in team mode, per role', () => {
  let fixture: ComponentFixture<ComposePage>;
  let page: ComposePageHarness;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(role: TeamRole): Promise<void> {
    TestBed.configureTestingModule({
      imports: [ComposePage],
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam(role);
    fixture = TestBed.createComponent(ComposePage);
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ComposePageHarness);
    await page.settle();
    // The app topics suggested for the target: only asked for where the form is shown.
    const suggestions = http.match((r) => r.url === `${BASE}/topics`);
    expect(suggestions.length).toBe(forRole(SENDS, role) ? 1 : 0);
    for (const request of suggestions) request.flush({ topics: [{ topicID: 'news' }] });
    await page.settle();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role}`, () => {
      beforeEach(() => render(role));

      it('offers exactly the actions of the role', async () => {
        const control = (name: string) =>
          buttonState(loader, MatButtonHarness.with({ text: new RegExp(`${name}$`) }));
        expect(await CONTROLS.observe(control)).toEqual(CONTROLS.expectedFor(role));
      });

      if (forRole(SENDS, role)) {
        it('sends a test push through the console server', async () => {
          expect(text()).not.toContain(REFUSED);
          await page.fill('Topic', 'news');
          await page.fillRow(0, 'message', 'hello');
          await page.click('Send');
          const push = http.expectOne(`${BASE}/push`);
          expect(push.request.method).toBe('POST');
          expect(push.request.headers.get(CSRF_HEADER)).toBe(`csrf-${role}`);
          expect(JSON.parse(push.request.body as string).target).toEqual({
            kind: 'app-topic',
            topicID: 'news',
          });
          push.flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
          await page.settle();
          expect((await page.recentSends()).join(' ')).toContain('pm-1');
        });
      } else {
        it('says which role test pushes need, with no form to fill', async () => {
          expect(text()).toContain(REFUSED);
          expect((await page.alertTexts()).join(' ')).toContain(REFUSED);
          expect(await loader.getAllHarnesses(MatButtonHarness)).toEqual([]);
        });
      }
    });
  }
});
