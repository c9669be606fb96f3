import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { provideRouter } from '@angular/router';
import { clearTranslations, loadTranslations } from '@angular/localize';

import { TEST_APP_URL, signInAsAdmin, signInAsUser } from '../../testing/admin-session';
import { ComposePageHarness } from '../../testing/compose-page-harness';
import { TestBrowser, createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import ComposePage from './compose-page';
import { provideComposeMonitorPanel } from './monitor-panel';
import { PushTarget } from './push-target';
import { RecentSend } from './recent-sends';

@Component({
  selector: 'kpc-test-monitor-panel',
  template: `<p class="kpc-test-panel">{{ target()?.kind }} {{ latest()?.pushMessageID }}</p>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class TestMonitorPanel {
  readonly target = input<PushTarget | null>(null);
  readonly latest = input<RecentSend | null>(null);
}

describe('ComposePage', () => {
  let browser: TestBrowser;
  let fixture: ComponentFixture<ComposePage>;
  let page: ComposePageHarness;
  let overlays: HarnessLoader;
  let http: HttpTestingController;

  async function render(
    options: { signIn?: () => Promise<void>; providers?: unknown[] } = {},
  ): Promise<void> {
    TestBed.configureTestingModule({
      imports: [ComposePage],
      providers: [
        ...provideTestBrowser(browser),
        provideRouter([]),
        ...((options.providers ?? []) as []),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await (options.signIn ?? signInAsAdmin)();
    fixture = TestBed.createComponent(ComposePage);
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ComposePageHarness);
    overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await page.settle();
  }

  /** Clicks Send and returns the push request, or null when nothing was sent. */
  async function send(path = '/topics/news/push/messages'): Promise<TestRequest> {
    await page.click('Send');
    return http.expectOne(`${TEST_APP_URL}${path}`);
  }

  beforeEach(() => {
    browser = createTestBrowser();
    browser.sdk.topics.add('app', 'news');
  });
  afterEach(() => http.verify());

  it('sends a push to an app topic and lists it with its message ID', async () => {
    await render();
    await page.fill('Topic', 'news');
    await page.fillRow(0, 'message', 'hello');
    expect(await page.sizeText()).toBe('MQTT payload: 166 of 4,096 bytes');

    const request = await send();
    expect(await page.isSending()).toBeTrue();
    expect(await page.isSendDisabled()).toBeTrue();
    const body = JSON.parse(request.request.body);
    expect(body.data).toEqual({ message: 'hello' });
    expect(body.mqtt).toEqual({ enabled: true });
    expect([body.gcm.enabled, body.apns.enabled, body.jpush.enabled]).toEqual([
      false,
      false,
      false,
    ]);
    request.flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
    await page.settle();

    expect(await page.isSending()).toBeFalse();
    expect(await page.recentSends()).toEqual(['app topic news | pm-1']);
    const report = fixture.nativeElement.querySelector('a[aria-label="Report of push pm-1"]');
    expect(report.getAttribute('href')).toBe('/pushes/pm-1');
    expect(await (await overlays.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Sent to app topic news (message ID pm-1).',
    );
  });

  it('shows recent sends in the language of the console showing them, not the one that sent', async () => {
    await render();
    await page.fill('Topic', 'news');
    await page.fillRow(0, 'message', 'hello');
    (await send()).flush({ pushMessageID: 'pm-1' }, { status: 201, statusText: 'Created' });
    await page.settle();
    expect(await page.recentSends()).toEqual(['app topic news | pm-1']);

    // Switching language loads the Japanese build, which reads the same sessionStorage.
    loadTranslations({ 'kpc.compose.targetAppTopic': 'アプリスコープのトピック {$TOPIC}' });
    try {
      fixture.destroy();
      fixture = TestBed.createComponent(ComposePage);
      await fixture.whenStable();
      page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ComposePageHarness);
      await page.settle();
      expect(await page.recentSends()).toEqual(['アプリスコープのトピック news | pm-1']);
    } finally {
      clearTranslations();
    }
  });

  it('sends a direct push to one user named by login name', async () => {
    await render();
    await page.chooseTarget('One user directly');
    await page.fill('Login name', 'alice');
    await page.fillRow(0, 'message', 'hi');
    expect(await page.sizeText()).toContain("(estimated until the owner's ID is known)");
    await page.click('Send');
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'u1', loginName: 'alice' });
    await page.settle();
    http.expectOne(`${TEST_APP_URL}/users/u1/push/messages`).flush({ pushMessageID: 'pm-d' });
    await page.settle();
    expect(await page.recentSends()).toEqual(['user alice (direct push) | pm-d']);
  });

  it("sends to a thing's topic with MQTT-only data, development only and chosen flags", async () => {
    await render();
    await page.chooseTarget("A thing's topic");
    await page.toggle('Thing ID');
    await page.fill('Thing ID', 'th.1');
    await page.fill('Topic', 'commands');
    await page.fillRow(0, 'message', 'for everyone');
    await (await page.checkbox(/mqtt\.data/)).check();
    await page.fillRow(0, 'cmd', 'reboot', 'MQTT data');
    await (await page.checkbox('Production installations')).uncheck();
    await (await page.checkbox('Sender (sendSender)')).uncheck();
    await (await page.checkbox('Time sent (sendWhen)')).check();

    await page.click('Send');
    http
      .expectOne(`${TEST_APP_URL}/things/th.1`)
      .flush({ _thingID: 'th.1', _vendorThingID: 'door' });
    await page.settle();
    const request = http.expectOne(`${TEST_APP_URL}/things/th.1/topics/commands/push/messages`);
    expect(JSON.parse(request.request.body)).toEqual(
      jasmine.objectContaining({
        data: { message: 'for everyone' },
        mqtt: { enabled: true, data: { cmd: 'reboot' } },
        sendToDevelopment: true,
        sendToProduction: false,
        sendSender: false,
        sendWhen: true,
      }),
    );
    request.flush({ pushMessageID: 'pm-t' });
    await page.settle();
    expect(await page.recentSends()).toEqual(['topic commands of thing door | pm-t']);
  });

  it('takes JSON data, converts rows to JSON and back, and explains what is wrong', async () => {
    await render();
    await page.fill('Topic', 'news');
    await page.fillRow(0, 'count', '3');
    await page.switchFormat('JSON');
    expect(await (await page.input('JSON')).getValue()).toBe('{\n  "count": "3"\n}');

    await page.fill('JSON', '{"ok": 1, "deep": {"a": 1}}');
    await page.click('Send');
    const [problems] = await page.alertTexts();
    expect(problems).toContain('Nothing was sent. Fix this first:');
    expect(problems).toContain('"deep" holds an object or an array. Kii accepts only flat values');
    expect(await page.sizeText()).toBe('MQTT payload: size shown once the data is valid');

    await page.switchFormat('Key/value rows');
    expect(await (await page.input('JSON')).getValue()).toContain('deep');

    await page.fill('JSON', '{"ok": 1, "flag": true}');
    expect(await page.alertTexts()).toEqual([]);
    await page.switchFormat('Key/value rows');
    expect(await (await page.input('Key', '[aria-label="Data"]')).getValue()).toBe('ok');
    const request = await send();
    expect(JSON.parse(request.request.body).data).toEqual({ ok: 1, flag: true });
    request.flush({ pushMessageID: 'pm-j' });
    await page.settle();
  });

  it("refuses a payload over Kii's 4,096 bytes and sends nothing", async () => {
    await render();
    await page.fill('Topic', 'news');
    await page.fillRow(0, 'blob', 'x'.repeat(5000));
    expect(await page.sizeText()).toContain('of 4,096 bytes');
    await page.click('Send');
    const [problems] = await page.alertTexts();
    expect(problems).toContain('Nothing was sent. Fix this first:');
    expect(problems).toContain(
      'The MQTT payload would be 5,158 bytes; Kii allows at most 4,096. Shorten or remove data.',
    );
    expect(await page.recentSends()).toEqual([]);
  });

  it("shows the server's refusal with its status, errorCode and the field", async () => {
    await render();
    await page.fill('Topic', 'news');
    const request = await send();
    request.flush(
      {
        errorCode: 'INVALID_INPUT_DATA',
        message: 'Invalid input data: data.message must be string',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await page.settle();
    const [alert] = await page.alertTexts();
    expect(alert).toContain('The push was not sent: The request was rejected as invalid.');
    expect(alert).toContain('400 INVALID_INPUT_DATA');
    expect(alert).toContain('Invalid input data: data.message must be string');
    expect(await (await overlays.getHarness(MatSnackBarHarness)).getMessage()).toContain(
      'INVALID_INPUT_DATA',
    );
    expect(await page.recentSends()).toEqual([]);
  });

  it('keeps the draft when the page is left and opened again, and starts over on request', async () => {
    await render();
    await page.fill('Topic', 'kept');
    fixture.destroy();
    fixture = TestBed.createComponent(ComposePage);
    await fixture.whenStable();
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ComposePageHarness);
    expect(await (await page.input('Topic')).getValue()).toBe('kept');
    await page.click('Start over');
    expect(await (await page.input('Topic')).getValue()).toBe('');
  });

  it('renders a provided monitor panel with the last target and send', async () => {
    await render({ providers: [provideComposeMonitorPanel(TestMonitorPanel)] });
    await page.fill('Topic', 'news');
    (await send()).flush({ pushMessageID: 'pm-m' });
    await page.settle();
    const panel = (fixture.nativeElement as HTMLElement).querySelector('.kpc-test-panel');
    expect(panel?.textContent?.trim()).toBe('topic pm-m');
  });

  it('explains that test pushes need the app admin', async () => {
    await render({ signIn: signInAsUser });
    const [alert] = await page.alertTexts();
    expect(alert).toContain(
      'Test pushes are sent as the app admin. Sign in as the app admin to use this page.',
    );
    expect(alert).toContain('Go to Connect');
  });
});
