import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatSelectionListHarness } from '@angular/material/list/testing';
import { provideRouter } from '@angular/router';

import { settle } from '../../testing/fake-live-clock';
import { LivePageHarness } from '../../testing/live-harnesses';
import {
  LiveFakes,
  answerDiscovery,
  createLiveFakes,
  provideLiveTesting,
} from '../../testing/live-test-bed';
import {
  answerUntilConnecting as answerStarts,
  teamMonitorEndpoint,
} from '../../testing/team-monitors';
import { TEAM_APP_ID, signInToTeam } from '../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole, roleTable } from '../../testing/team-roles';
import { TestBrowser, createTestBrowser } from '../../testing/test-providers';
import { CSRF_HEADER } from '../core/team/team-api';
import { TEAM_ROLES, TeamRole } from '../core/team/team-types';
import LivePage from './live-page';

const BASE = `/team/api/apps/${TEAM_APP_ID}`;
const ROLE_NOTE = 'Watching as an installation takes over the device';
// What each role may watch (README.md, "What each role sees": viewers live traffic on topics, support also exports,
// operators also watch as an installation; the console server checks the same routes).
//                                                    viewer   support  operator admin
const MONITOR_KINDS = roleTable<boolean>({
  Topics: /*                                      */ [true, true, true, true],
  'As an installation': /*                        */ [false, false, true, true],
  // The local server's tap: never offered by the console server.
  'All traffic': /*                               */ [false, false, false, false],
  [`note: ${ROLE_NOTE}`]: /*                      */ [true, true, false, false],
  // Watched by the console server's monitor thing, which takes app topics only (monitor-routes.ts).
  'note: User or thing topics': /*                */ [false, false, false, false],
});
//                                                    viewer     support    operator   admin
const CARD_CONTROLS = roleTable<ControlState>({
  Pause: /*                                       */ ['enabled', 'enabled', 'enabled', 'enabled'],
  Filter: /*                                      */ ['enabled', 'enabled', 'enabled', 'enabled'],
  Export: /*                                      */ ['hidden', 'enabled', 'enabled', 'enabled'],
});
const TAKES_OVER: ByRole = [false, false, true, true];

describe('LivePage in team mode, per role', () => {
  let browser: TestBrowser;
  let fakes: LiveFakes;
  let fixture: ComponentFixture<LivePage>;
  let page: LivePageHarness;
  let root: HarnessLoader;
  let http: HttpTestingController;

  async function render(role: TeamRole, installation?: string): Promise<void> {
    browser = createTestBrowser();
    fakes = createLiveFakes();
    TestBed.configureTestingModule({
      imports: [LivePage],
      providers: [...provideLiveTesting(browser, fakes), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam(role);
    fixture = TestBed.createComponent(LivePage);
    if (installation) fixture.componentRef.setInput('installation', installation);
    // The console server is no local server: no "All traffic".
    answerDiscovery(browser, 'absent');
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, LivePageHarness);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
  }

  /** The new monitor dialog, its app topics answered. */
  async function openNewMonitor(): Promise<MatDialogHarness> {
    await page.newMonitor();
    return dialogWithTopics();
  }

  async function dialogWithTopics(): Promise<MatDialogHarness> {
    const dialog = await root.getHarness(MatDialogHarness);
    await settle();
    http
      .expectOne((r) => r.url === `${BASE}/topics`)
      .flush({ topics: [{ topicID: 'news' }, { topicID: 'alerts' }] });
    await fixture.whenStable();
    return dialog;
  }

  /** Answers every request to `url` until an MQTT connection is opened; returns them. */
  const answerUntilConnecting = (url: string, body: () => object) =>
    answerStarts(http, fakes.mqtt, url, body);

  async function kinds(dialog: MatDialogHarness): Promise<Record<string, boolean>> {
    return MONITOR_KINDS.observe(async (name) => {
      if (name.startsWith('note: ')) return (await dialog.getContentText()).includes(name.slice(6));
      const toggles = await dialog.getAllHarnesses(MatButtonToggleHarness.with({ text: name }));
      return toggles.length > 0;
    });
  }

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role}`, () => {
      it('offers exactly the monitor kinds of the role', async () => {
        await render(role);
        const dialog = await openNewMonitor();
        expect(await kinds(dialog)).toEqual(MONITOR_KINDS.expectedFor(role));
        await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
      });

      it('watches topics through its monitor thing; exports only from support up', async () => {
        await render(role);
        const dialog = await openNewMonitor();
        await (await dialog.getHarness(MatSelectionListHarness)).selectItems({ title: 'news' });
        await (await dialog.getHarness(MatButtonHarness.with({ text: 'Start' }))).click();
        // Subscribing the monitor thing, then its endpoint for the connection: each a POST.
        const starts = await answerUntilConnecting(`${BASE}/monitors/topic`, () =>
          teamMonitorEndpoint('topic-monitor', { thingID: 'th.monitor' }),
        );
        for (const start of starts) {
          expect(start.request.headers.get(CSRF_HEADER)).toBe(`csrf-${role}`);
          expect(JSON.parse(start.request.body as string)).toEqual({
            scope: 'app',
            topicID: 'news',
          });
        }
        fakes.mqtt.latest.acceptAndGrant();
        await fixture.whenStable();

        const [card] = await page.cards();
        expect(await card.state()).toBe('Connected');
        const inCard = TestbedHarnessEnvironment.loader(fixture);
        const control = (name: string) =>
          buttonState(
            inCard,
            MatButtonHarness.with({ text: new RegExp(`${name}$`), ancestor: 'kpc-monitor-card' }),
          );
        expect(await CARD_CONTROLS.observe(control)).toEqual(CARD_CONTROLS.expectedFor(role));
      });

      if (forRole(TAKES_OVER, role)) {
        it('follows Watch live traffic to the takeover warning and watches as the installation', async () => {
          await render(role, 'inst-7');
          // Straight to the warning: no topic choice, so no topic list is asked for.
          const dialog = await root.getHarness(MatDialogHarness);
          expect(await dialog.getTitleText()).toBe('Take over installation inst-7?');
          await (
            await dialog.getHarness(MatButtonHarness.with({ text: 'Take over and watch' }))
          ).click();
          // The installation is read first (an MQTT one has an endpoint), then taken over.
          await settle();
          http.expectOne(`${BASE}/installations/inst-7`).flush({
            installationID: 'inst-7',
            registrationID: 'reg-7',
            deviceType: 'MQTT',
            owner: { type: 'user', id: 'user-7' },
          });
          const starts = await answerUntilConnecting(`${BASE}/monitors/installation/inst-7`, () =>
            teamMonitorEndpoint('topic-inst-7', { installationID: 'inst-7', takeover: true }),
          );
          for (const start of starts) {
            expect(start.request.method).toBe('POST');
            expect(start.request.headers.get(CSRF_HEADER)).toBe(`csrf-${role}`);
          }
          fakes.mqtt.latest.acceptAndGrant();
          await fixture.whenStable();
          expect(await (await page.cards())[0].state()).toBe('Connected');
        });
      } else {
        it('opens the monitor choice without a takeover when sent to watch an installation', async () => {
          await render(role, 'inst-7');
          const dialog = await dialogWithTopics();
          expect(await dialog.getTitleText()).toBe('New monitor');
          expect(await kinds(dialog)).toEqual(MONITOR_KINDS.expectedFor(role));
          await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
          http.expectNone((r) => r.url.includes('/monitors/installation/'));
        });
      }
    });
  }
});
