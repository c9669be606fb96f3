import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { provideRouter } from '@angular/router';

import { TEST_APP_URL, signInAsAdmin, signInAsUser } from '../../testing/admin-session';
import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { TopicsPageHarness } from '../../testing/topics-page-harness';
import TopicsPage from './topics-page';

describe('TopicsPage', () => {
  let browser: TestBrowser;
  let page: TopicsPageHarness;
  let overlays: HarnessLoader;
  let http: HttpTestingController;

  async function render(
    signIn: () => Promise<void> = signInAsAdmin,
    beforeCreate: () => void = () => undefined,
  ): Promise<void> {
    TestBed.configureTestingModule({
      imports: [TopicsPage],
      providers: [...provideTestBrowser(browser), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signIn();
    beforeCreate();
    const fixture = TestBed.createComponent(TopicsPage);
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, TopicsPageHarness);
    overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await page.settle();
  }

  async function snackBarText(): Promise<string> {
    return (await overlays.getHarness(MatSnackBarHarness)).getMessage();
  }

  beforeEach(() => {
    browser = createTestBrowser();
    browser.sdk.topics.add('app', 'maintenance', 'news');
  });
  afterEach(() => http.verify());

  it('lists the app topics on arrival', async () => {
    await render();
    expect(await page.cardTitles()).toEqual(['Scope', 'Topics of App scope']);
    expect(await page.topicNames()).toEqual(['maintenance', 'news']);
    expect(await page.isLoading()).toBeFalse();
  });

  it('creates a topic, lists it and clears the field', async () => {
    await render();
    await page.createTopic('alerts');
    expect(await page.topicNames()).toEqual(['alerts', 'maintenance', 'news']);
    expect(browser.sdk.topics.names('app')).toContain('alerts');
    expect(await (await page.field('New topic name')).getValue()).toBe('');
    expect(await snackBarText()).toBe('Topic alerts created.');
  });

  it('keeps a refused topic name in the field and says why', async () => {
    await render();
    await page.createTopic('news');
    expect(await snackBarText()).toContain('TOPIC_ALREADY_EXISTS');
    expect(await (await page.field('New topic name')).getValue()).toBe('news');
  });

  it("checks the name against Kii's rule before asking", async () => {
    await render();
    await page.createTopic('bad name!');
    expect(await page.fieldErrors('New topic name')).toEqual([
      'Use only letters, digits, _ and -.',
    ]);
    expect(browser.sdk.calls.filter((call) => call.startsWith('save'))).toEqual([]);
  });

  it('deletes a topic only after confirmation', async () => {
    await render();
    await page.clickLabelled('Delete topic news');
    let dialog = await overlays.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Delete topic news?');
    expect(await dialog.getContentText()).toContain('and all its subscriptions will be deleted');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    await page.settle();
    expect(browser.sdk.topics.names('app')).toContain('news');

    await page.clickLabelled('Delete topic news');
    dialog = await overlays.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Delete' }))).click();
    await page.settle();
    expect(await page.topicNames()).toEqual(['maintenance']);
    expect(browser.sdk.topics.names('app')).toEqual(['maintenance']);
  });

  it("opens a user's topics by login name", async () => {
    browser.sdk.topics.add('users/user-alice-id', 'inbox');
    await render();
    await page.toggle('User');
    await (await page.field('Login name')).setValue('alice');
    await (await page.button('Show topics')).click();
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'user-alice-id', loginName: 'alice' });
    await page.settle();
    expect(await page.cardTitles()).toContain('Topics of User alice');
    expect(await page.topicNames()).toEqual(['inbox']);

    // Only the owner may subscribe to its topics: the panel names alice already.
    await page.clickInRow('inbox', 'Subscriptions');
    expect(await (await page.field('Login name', 'kpc-subscription-panel')).getValue()).toBe(
      'alice',
    );
    await (await page.button('Subscribe')).click();
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'user-alice-id', loginName: 'alice' });
    await page.settle();
    expect(browser.sdk.topics.subscribers('users/user-alice-id', 'inbox')).toEqual([
      'users/user-alice-id',
    ]);
  });

  it("opens a thing's topics by thing ID", async () => {
    browser.sdk.topics.add('things/th.sensor-1-id', 'commands');
    await render();
    await page.toggle('Thing');
    await page.toggle('Thing ID');
    await (await page.field('Thing ID')).setValue('th.sensor-1-id');
    await (await page.button('Show topics')).click();
    http
      .expectOne(`${TEST_APP_URL}/things/th.sensor-1-id`)
      .flush({ _thingID: 'th.sensor-1-id', _vendorThingID: 'sensor-1' });
    await page.settle();
    expect(await page.cardTitles()).toContain('Topics of Thing sensor-1');
    expect(await page.topicNames()).toEqual(['commands']);
  });

  it('shows a failed load inline and retries it', async () => {
    await render(signInAsAdmin, () => (browser.sdk.reachable = false));
    expect(await page.alertText()).toContain('The topics could not be loaded');
    expect(await page.alertText()).toContain('The server could not be reached');
    browser.sdk.reachable = true;
    await page.click('Retry');
    expect(await page.alertText()).toBe('');
    expect(await page.topicNames()).toEqual(['maintenance', 'news']);
  });

  it('pages through the topics with Load more', async () => {
    browser.sdk.topics.pageSize = 1;
    await render();
    expect(await page.topicNames()).toEqual(['maintenance']);
    await page.click('Load more');
    expect(await page.topicNames()).toEqual(['maintenance', 'news']);
    expect(await page.isLoading()).toBeFalse();
  });

  describe('subscriptions', () => {
    async function openSubscriptions(topic: string): Promise<void> {
      await page.clickInRow(topic, 'Subscriptions');
    }

    async function subscriberAction(action: 'Check' | 'Subscribe' | 'Unsubscribe'): Promise<void> {
      await (await page.button(action)).click();
      http
        .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
        .flush({ userID: 'user-alice-id', loginName: 'alice' });
      await page.settle();
    }

    beforeEach(async () => {
      await render();
      await openSubscriptions('news');
      await (await page.field('Login name')).setValue('alice');
    });

    it('subscribes, checks and unsubscribes a user', async () => {
      expect(await page.cardTitles()).toContain('Subscriptions of news');
      await subscriberAction('Subscribe');
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual(['users/user-alice-id']);
      expect(await page.statusText()).toContain('Yes: user alice subscribes to news.');

      await subscriberAction('Unsubscribe');
      expect(browser.sdk.topics.subscribers('app', 'news')).toEqual([]);
      expect(await page.statusText()).toContain('No: user alice does not subscribe to news.');

      await subscriberAction('Check');
      expect(await page.statusText()).toContain('No: user alice does not subscribe to news.');
    });

    it('reports a refused subscription with its errorCode', async () => {
      browser.sdk.topics.subscribe('app', 'news', 'users/user-alice-id');
      await subscriberAction('Subscribe');
      expect(await snackBarText()).toContain('Subscribing to news failed');
      expect(await snackBarText()).toContain('PUSH_SUBSCRIPTION_ALREADY_EXISTS');
    });

    it('asks for a subscriber before acting', async () => {
      await (await page.field('Login name')).setValue('');
      await (await page.button('Check')).click();
      expect(await page.fieldErrors('Login name')).toEqual(['Name the user.']);
    });
  });

  it('explains that topics need the app admin, and asks nothing', async () => {
    await render(signInAsUser);
    expect(await page.alertText()).toContain('Topics are managed as the app admin.');
    expect(browser.sdk.calls.some((call) => call.startsWith('listTopics'))).toBeFalse();
  });
});
