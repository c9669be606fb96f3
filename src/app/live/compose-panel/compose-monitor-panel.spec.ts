import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter } from '@angular/router';

import { TEST_APP_URL, TEST_BASE_URL, signInAsAdmin } from '../../../testing/admin-session';
import { FAKE_CLOCK_START, settle } from '../../../testing/fake-live-clock';
import {
  LiveFakes,
  answerDiscovery,
  createLiveFakes,
  endpointAnswer,
  provideLiveTesting,
} from '../../../testing/live-test-bed';
import { liveMessage, topicPayload } from '../../../testing/live-messages';
import { TestBrowser, createTestBrowser } from '../../../testing/test-providers';
import { ComposeMonitorPanel, ComposeSend, ComposeTarget, findSend } from './compose-monitor-panel';

describe('ComposeMonitorPanel', () => {
  let browser: TestBrowser;
  let fakes: LiveFakes;
  let http: HttpTestingController;
  let fixture: ComponentFixture<ComposeMonitorPanel>;

  const news: ComposeTarget = { kind: 'topic', topic: { scope: { kind: 'app' }, name: 'news' } };
  const send: ComposeSend = { pushMessageID: 'pm-1', sentAt: FAKE_CLOCK_START, keys: ['greeting'] };

  async function render(target: ComposeTarget | null, latest: ComposeSend | null): Promise<void> {
    TestBed.configureTestingModule({
      imports: [ComposeMonitorPanel],
      providers: [...provideLiveTesting(browser, fakes), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInAsAdmin();
    fixture = TestBed.createComponent(ComposeMonitorPanel);
    fixture.componentRef.setInput('target', target);
    fixture.componentRef.setInput('latest', latest);
    answerDiscovery(browser);
    await fixture.whenStable();
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  async function click(label: RegExp): Promise<void> {
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: label }))).click();
  }

  beforeEach(() => {
    browser = createTestBrowser();
    fakes = createLiveFakes();
  });

  afterEach(() => http.verify());

  it('starts All traffic and then shows where the newest send arrived', async () => {
    await render(news, send);
    expect(text()).toContain('No monitor is running.');
    await click(/Watch all traffic$/);
    http.expectOne(`${TEST_BASE_URL}/x-local/v1/apps/demoapp/tap`).flush(endpointAnswer('tap-1'));
    await settle();
    fakes.mqtt.latest.acceptAndGrant();
    await fixture.whenStable();
    expect(text()).toContain('pm-1 has not reached a running monitor yet');

    fakes.mqtt.latest.deliver(
      JSON.stringify({ pushMessageID: 'pm-1', payload: { greeting: 'hi' } }),
    );
    fakes.frames.flush();
    await settle();
    await fixture.whenStable();
    expect(text()).toMatch(/pm-1 arrived in All traffic at \d\d:\d\d:\d\d\.\d{3}/);
    expect(text()).toContain('All traffic 1 received');
  });

  it('starts a Topics monitor for a topic target, and says why one cannot start', async () => {
    await render(news, null);
    await click(/Watch news$/);
    http
      .expectOne(`${TEST_APP_URL}/things`)
      .flush({ errorCode: 'UNAUTHORIZED' }, { status: 403, statusText: 'Forbidden' });
    await settle();
    await fixture.whenStable();
    expect(text()).toContain('The signed-in principal is not allowed to do this.');
  });

  it('offers no topic monitor for a direct push', async () => {
    await render({ kind: 'user', user: { id: 'u1', name: 'alice' } }, null);
    expect(text()).not.toContain('Watch alice');
    expect(text()).toContain('Manage monitors');
  });
});

describe('findSend', () => {
  const send: ComposeSend = {
    pushMessageID: 'pm-7',
    sentAt: FAKE_CLOCK_START + 5000,
    keys: ['greeting', 'n'],
  };

  it("finds a tap message by the push message ID, another monitor's by its data keys", () => {
    const tapped = liveMessage(JSON.stringify({ pushMessageID: 'pm-7', payload: {} }), {
      wrapped: true,
      receivedAt: send.sentAt + 10,
    });
    const other = liveMessage(topicPayload('news', { greeting: 'hi', n: 1 }), {
      receivedAt: send.sentAt + 20,
    });
    expect(findSend([tapped], send)).toBe(tapped);
    expect(findSend([other], send)).toBe(other);
  });

  it('ignores messages from before the send and ones without its keys', () => {
    const before = liveMessage(topicPayload('news', { greeting: 'hi', n: 1 }), {
      receivedAt: send.sentAt - 3000,
    });
    const missingKey = liveMessage(topicPayload('news', { greeting: 'hi' }), {
      receivedAt: send.sentAt + 20,
    });
    const otherId = liveMessage(
      JSON.stringify({ pushMessageID: 'pm-8', payload: { greeting: 1, n: 2 } }),
      {
        wrapped: true,
        receivedAt: send.sentAt + 10,
      },
    );
    expect(findSend([before, missingKey, otherId], send)).toBeNull();
  });
});
