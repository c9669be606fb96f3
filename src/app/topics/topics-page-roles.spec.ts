import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';

import { TEAM_APP_ID, signInToTeam } from '../../testing/team-session';
import { ControlState, buttonState, roleTable } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { TopicsPageHarness } from '../../testing/topics-page-harness';
import { TEAM_ROLES, TeamRole } from '../core/team/team-types';
import TopicsPage from './topics-page';

const TOPICS_URL = `/team/api/apps/${TEAM_APP_ID}/topics`;

// What each role gets on the Topics page (README.md, "What each role sees"; docs/team-api.md, "Topics").
//                                                viewer     support    operator   admin
const TOPIC_CONTROLS = roleTable<ControlState>({
  'Show topics': /*                            */ ['enabled', 'enabled', 'enabled', 'enabled'],
  'Subscriptions (news row)': /*               */ ['enabled', 'enabled', 'enabled', 'enabled'],
  'Create topic': /*                           */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Delete topic news': /*                      */ ['hidden', 'hidden', 'enabled', 'enabled'],
});
// The subscriptions of the topic "news", once opened.
const SUBSCRIPTION_CONTROLS = roleTable<ControlState>({
  Check: /*                                    */ ['enabled', 'enabled', 'enabled', 'enabled'],
  Subscribe: /*                                */ ['hidden', 'hidden', 'enabled', 'enabled'],
  Unsubscribe: /*                              */ ['hidden', 'hidden', 'enabled', 'enabled'],
});

describe('TopicsPage in team mode, per role', () => {
  let fixture: ComponentFixture<TopicsPage>;
  let page: TopicsPageHarness;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(role: TeamRole): Promise<void> {
    TestBed.configureTestingModule({
      imports: [TopicsPage],
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam(role);
    fixture = TestBed.createComponent(TopicsPage);
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, TopicsPageHarness);
    await page.settle();
    const list = http.expectOne((r) => r.url === TOPICS_URL);
    expect(list.request.params.get('scope')).toBe('app');
    list.flush({ topics: [{ topicID: 'news' }, { topicID: 'alerts' }] });
    await page.settle();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  /** A button of the page, or of the topic "news"'s row when the name says "(news row)". */
  async function control(name: string): Promise<ControlState> {
    if (name.startsWith('Delete topic ')) {
      return buttonState(loader, MatButtonHarness.with({ selector: `[aria-label="${name}"]` }));
    }
    if (!name.endsWith(' (news row)'))
      return buttonState(loader, MatButtonHarness.with({ text: name }));
    const table = await loader.getHarness(MatTableHarness);
    for (const row of await table.getRows()) {
      const [topic, actions] = await row.getCells();
      if ((await topic.getText()) !== 'news') continue;
      return buttonState(actions, MatButtonHarness.with({ text: name.replace(' (news row)', '') }));
    }
    throw new Error('No row for the topic news');
  }

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role}`, () => {
      beforeEach(() => render(role));

      it("lists the app's topics", async () => {
        expect(await page.topicNames()).toEqual(['news', 'alerts']);
      });

      it('offers exactly the topic actions of the role', async () => {
        expect(await TOPIC_CONTROLS.observe(control)).toEqual(TOPIC_CONTROLS.expectedFor(role));
      });

      it('offers exactly the subscription actions of the role', async () => {
        await page.clickInRow('news', 'Subscriptions');
        const panel = (name: string) =>
          buttonState(
            loader,
            MatButtonHarness.with({ text: name, ancestor: 'kpc-subscription-panel' }),
          );
        expect(await SUBSCRIPTION_CONTROLS.observe(panel)).toEqual(
          SUBSCRIPTION_CONTROLS.expectedFor(role),
        );
      });
    });
  }
});
