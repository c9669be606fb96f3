import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import {
  ComponentFixture,
  DeferBlockBehavior,
  DeferBlockState,
  TestBed,
} from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter } from '@angular/router';

import { ComposePageHarness } from '../../../testing/compose-page-harness';
import { settle } from '../../../testing/fake-live-clock';
import { topicPayload } from '../../../testing/live-messages';
import {
  LiveFakes,
  answerDiscovery,
  createLiveFakes,
  provideLiveTesting,
} from '../../../testing/live-test-bed';
import { answerUntilConnecting, teamMonitorEndpoint } from '../../../testing/team-monitors';
import { TEAM_APP_ID, signInToTeam } from '../../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole, roleTable } from '../../../testing/team-roles';
import { TestBrowser, createTestBrowser } from '../../../testing/test-providers';
import ComposePage from '../../compose/compose-page';
import { provideComposeMonitorPanel } from '../../compose/monitor-panel';
import { CSRF_HEADER } from '../../core/team/team-api';
import { TopicScope } from '../../core/kii/topic-scope';
import { TEAM_ROLES, TeamRole } from '../../core/team/team-types';
import { ComposeMonitorPanel } from './compose-monitor-panel';
import { ComposeMonitorSlot } from './compose-monitor-slot';

const BASE = `/team/api/apps/${TEAM_APP_ID}`;
const PANEL = 'kpc-compose-monitor-panel';

// The live monitors panel beside a test push, per role. It sits beside the Compose form, which
// is offered from support up (POST /apps/:appId/push needs support, push-routes.ts). Watching
// a topic is POST /apps/:appId/monitors/topic, viewer and up (monitor-routes.ts), so every role
// shown the panel may start one. "All traffic" is the local server's tap, never the console
// server's. Export lives on the Live page's monitor cards ("Manage monitors"; support and up,
// live-page-roles.spec.ts): the panel offers none to anyone.
//                                           viewer     support    operator   admin
const CONTROLS = roleTable<ControlState>({
  'Watch news': /*                        */ ['hidden', 'enabled', 'enabled', 'enabled'],
  'Watch all traffic': /*                 */ ['hidden', 'hidden', 'hidden', 'hidden'],
  'Manage monitors': /*                   */ ['hidden', 'enabled', 'enabled', 'enabled'],
  Export: /*                              */ ['hidden', 'hidden', 'hidden', 'hidden'],
});
const PANEL_SHOWN: ByRole = [false, true, true, true];

describe('The Compose page monitors panel in team mode, per role', () => {
  let browser: TestBrowser;
  let fakes: LiveFakes;
  let fixture: ComponentFixture<ComposePage>;
  let page: ComposePageHarness;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  /** The Compose page as app.routes.ts provides it (the deferred slot), for `role`. */
  async function render(role: TeamRole): Promise<void> {
    browser = createTestBrowser();
    fakes = createLiveFakes();
    TestBed.configureTestingModule({
      imports: [ComposePage],
      providers: [
        ...provideLiveTesting(browser, fakes),
        provideRouter([]),
        provideComposeMonitorPanel(ComposeMonitorSlot),
      ],
      deferBlockBehavior: DeferBlockBehavior.Manual,
    });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam(role);
    fixture = TestBed.createComponent(ComposePage);
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ComposePageHarness);
    await page.settle();
    for (const request of http.match((r) => r.url === `${BASE}/topics`))
      request.flush({ topics: [{ topicID: 'news' }] });
    // The slot's @defer (on idle), rendered now rather than when the browser idles.
    for (const block of await fixture.getDeferBlocks())
      await block.render(DeferBlockState.Complete);
    if (forRole(PANEL_SHOWN, role)) answerDiscovery(browser, 'absent');
    await page.settle();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  /** Sends a test push to the app topic news, as the console server answers it. */
  async function sendToNews(): Promise<void> {
    await page.fill('Topic', 'news');
    await page.fillRow(0, 'greeting', 'hello');
    await page.click('Send');
    http
      .expectOne(`${BASE}/push`)
      .flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
    await page.settle();
  }

  const panelText = () =>
    (fixture.nativeElement as HTMLElement).querySelector(PANEL)?.textContent?.replace(/\s+/g, ' ');

  function control(name: string): Promise<ControlState> {
    // The text ends with the name: an icon's ligature may come first ("topicWatch news").
    const text = new RegExp(`${name}$`);
    return buttonState(loader, MatButtonHarness.with({ text, ancestor: PANEL }));
  }

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role}`, () => {
      beforeEach(() => render(role));

      it(`${forRole(PANEL_SHOWN, role) ? 'offers' : 'does not offer'} the panel, with exactly the controls of the role`, async () => {
        if (forRole(PANEL_SHOWN, role)) {
          expect(panelText()).toContain('No monitor is running.');
          await sendToNews();
        }
        expect(panelText() !== undefined).toBe(forRole(PANEL_SHOWN, role));
        expect(await CONTROLS.observe(control)).toEqual(CONTROLS.expectedFor(role));
      });

      if (forRole(PANEL_SHOWN, role)) {
        it('watches the pushed topic through the console server and counts what arrives', async () => {
          await sendToNews();
          await (await loader.getHarness(MatButtonHarness.with({ text: /Watch news$/ }))).click();
          const starts = await answerUntilConnecting(
            http,
            fakes.mqtt,
            `${BASE}/monitors/topic`,
            () => teamMonitorEndpoint('topic-monitor', { thingID: 'th.monitor' }),
          );
          for (const start of starts) {
            expect(start.request.method).toBe('POST');
            expect(start.request.headers.get(CSRF_HEADER)).toBe(`csrf-${role}`);
            expect(JSON.parse(start.request.body as string)).toEqual({
              scope: 'app',
              topicID: 'news',
            });
          }
          // The client connects once the factory's promise has settled.
          await settle();
          fakes.mqtt.latest.acceptAndGrant();
          await fixture.whenStable();
          expect([...fakes.mqtt.latest.observed]).toEqual(['topic-monitor']);
          expect(panelText()).toContain('0 received');
          expect(panelText()).not.toContain('No monitor is running.');

          fakes.mqtt.latest.deliver(topicPayload('news', { greeting: 'hello' }));
          fakes.frames.flush();
          await settle();
          await fixture.whenStable();
          expect(panelText()).toContain('1 received');
        });
      }
    });
  }
});

describe('The monitors panel in team mode, per topic scope', () => {
  // POST /apps/:appId/monitors/topic takes app topics only (400 MONITOR_SCOPE_UNSUPPORTED
  // otherwise, monitor-routes.ts): a push to a user's or a thing's topic gets no Watch button.
  const owner = (kind: 'user' | 'thing') => ({ kind, id: `${kind}-1`, name: `${kind}-one` });
  const CASES: readonly { scope: TopicScope; watch: ControlState }[] = [
    { scope: { kind: 'app' }, watch: 'enabled' },
    { scope: { kind: 'user', owner: owner('user') }, watch: 'hidden' },
    { scope: { kind: 'thing', owner: owner('thing') }, watch: 'hidden' },
  ];

  for (const { scope, watch } of CASES) {
    it(`offers ${watch === 'hidden' ? 'no' : 'a'} Topics monitor for a push to a${scope.kind === 'app' ? 'n' : ''} ${scope.kind} topic`, async () => {
      const browser = createTestBrowser();
      TestBed.configureTestingModule({
        imports: [ComposeMonitorPanel],
        providers: [...provideLiveTesting(browser, createLiveFakes()), provideRouter([])],
      });
      const http = TestBed.inject(HttpTestingController);
      await signInToTeam('support');
      const fixture = TestBed.createComponent(ComposeMonitorPanel);
      fixture.componentRef.setInput('target', { kind: 'topic', topic: { scope, name: 'news' } });
      answerDiscovery(browser, 'absent');
      await fixture.whenStable();
      const loader = TestbedHarnessEnvironment.loader(fixture);
      expect(await buttonState(loader, MatButtonHarness.with({ text: /Watch news/ }))).toBe(watch);
      http.verify();
    });
  }
});
