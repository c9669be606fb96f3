import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';

import { TEST_BASE_URL } from '../../testing/admin-session';
import { LOCAL_INFO } from '../../testing/connect-page-harness';
import { settle } from '../../testing/installation-sessions';
import { signInAt } from '../../testing/installations-setup';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { PUSH_BODY } from '../../testing/trace-fixtures';
import { RecentSends } from '../compose/recent-sends';
import { LOCAL_INFO_PATH } from '../core/local-server';
import PushReportPage from './push-report-page';

describe('PushReportPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<PushReportPage>;

  async function render(traced: boolean): Promise<void> {
    TestBed.configureTestingModule({
      imports: [PushReportPage],
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    await signInAt(traced ? 'local' : 'cloud');
    fixture = TestBed.createComponent(PushReportPage);
    fixture.componentRef.setInput('pushMessageID', 'p-1');
    await settle();
    const discovery = http.expectOne(`${TEST_BASE_URL}${LOCAL_INFO_PATH}`);
    if (traced) discovery.flush({ ...LOCAL_INFO, extensions: ['trace'] });
    else discovery.flush('Not Found', { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();
  }
  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  it('shows counts, skip reasons with their fix lines, write times and the rows', async () => {
    await render(true);
    await settle(5);
    http
      .expectOne((r) => r.url === `${TEST_BASE_URL}/x-local/v1/apps/demoapp/pushes/p-1`)
      .flush({
        ...PUSH_BODY,
        sendToDevelopment: false,
        sendToProduction: true,
        outcomes: { DELIVERED: 1, ENVIRONMENT_FILTERED: 3, NOT_CONNECTED: 5 },
        recipientRows: [
          { installationID: 'i-1', userID: 'u-1', outcome: 'NOT_CONNECTED' },
          {
            installationID: 'i-2',
            userID: 'u-2',
            outcome: 'DELIVERED',
            connectionID: 'c-2',
            transport: 'tcp',
            writtenAt: 1004,
          },
        ],
      });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);

    expect(text()).toContain('Written to a connection 1');
    expect(text()).toContain('3 ms / 4 ms');
    expect(text()).toMatch(/Rows kept \/ omitted ?2 \/ 0/);
    const reasons = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Skipped, by reason"]' }),
    );
    const columns = await reasons.getCellTextByColumnName();
    expect(columns['outcome'].text).toEqual(['NOT_CONNECTED', 'ENVIRONMENT_FILTERED']);
    expect(columns['count'].text).toEqual(['5', '3']);
    expect(columns['fix'].text).toEqual([
      'Pushes are not queued (QoS 0): connect the device with its endpoint, then resend.',
      'This installation is development; resend with Development ticked.',
    ]);
    const rows = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Recipients of the push"]' }),
    );
    const cells = await rows.getCellTextByIndex();
    expect(cells[1][3]).toMatch(/^c-2 \(tcp\) at /);
    const diagnose = await loader.getHarness(
      MatButtonHarness.with({ selector: '[aria-label="Diagnose installation i-1"]' }),
    );
    expect(await (await diagnose.host()).getAttribute('href')).toBe(
      '/diagnose?installation=i-1&push=p-1',
    );
  });

  it('on Kii Cloud shows what this tab recorded, and asks nothing of the server', async () => {
    await render(false);
    expect(text()).toContain('This tab did not send this push.');
    TestBed.inject(RecentSends).add({
      pushMessageID: 'p-1',
      appId: 'demoapp',
      target: { kind: 'user', user: { kind: 'user', id: 'u-1', name: 'alice' } },
      path: '/users/u-1/push/messages',
      sentAt: Date.UTC(2026, 0, 1),
      bytes: 1234,
      development: true,
      production: false,
      keys: [],
    });
    await fixture.whenStable();
    expect(text()).toContain('Kii Cloud keeps no per-push report');
    expect(text()).toContain('user alice (direct push)');
    expect(text()).toContain('1,234 bytes');
    expect(text()).not.toContain('This tab did not send this push.');
  });
});
