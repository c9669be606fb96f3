import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
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

  /** `count` rows of NOT_CONNECTED installations from `from` on. */
  const rowsFrom = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      installationID: `i-${from + i}`,
      userID: `u-${from + i}`,
      outcome: 'NOT_CONNECTED',
    }));
  const reportUrl = `${TEST_BASE_URL}/x-local/v1/apps/demoapp/pushes/p-1`;
  const manyRows = { ...PUSH_BODY, outcomes: { NOT_CONNECTED: 230 }, rowsKept: 230 };

  it('pages through the rows with Show more, saying how many of how many are shown', async () => {
    await render(true);
    await settle(5);
    const first = http.expectOne((r) => r.url === reportUrl);
    expect(first.request.params.get('limit')).toBe('100');
    expect(first.request.params.has('paginationKey')).toBe(false);
    first.flush({ ...manyRows, recipientRows: rowsFrom(0, 100), nextPaginationKey: '100' });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const rows = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Recipients of the push"]' }),
    );
    expect((await rows.getRows()).length).toBe(100);
    expect(text()).toContain('Showing 100 of 230 recipient rows.');
    const more = await loader.getHarness(MatButtonHarness.with({ text: 'Show more' }));

    // While the page loads: a progress bar, and the button stays focusable but does nothing.
    await more.click();
    const second = http.expectOne((r) => r.url === reportUrl);
    expect(second.request.params.get('paginationKey')).toBe('100');
    expect(second.request.params.get('limit')).toBe('100');
    expect(await more.isDisabled()).toBe(true);
    expect(await loader.getHarnessOrNull(MatProgressBarHarness)).not.toBeNull();
    await more.click();
    http.expectNone((r) => r.url === reportUrl);
    second.flush({ ...manyRows, recipientRows: rowsFrom(100, 100), nextPaginationKey: '200' });
    await fixture.whenStable();
    expect((await rows.getRows()).length).toBe(200);
    expect(text()).toContain('Showing 200 of 230 recipient rows.');
    expect(await loader.getHarnessOrNull(MatProgressBarHarness)).toBeNull();
    expect(await more.isDisabled()).toBe(false);

    // The last page: the button goes and the focus moves to the count, not to the page start.
    await (await more.host()).focus();
    await more.click();
    http
      .expectOne((r) => r.url === reportUrl && r.params.get('paginationKey') === '200')
      .flush({ ...manyRows, recipientRows: rowsFrom(200, 30) });
    await fixture.whenStable();
    const cells = await rows.getCellTextByColumnName();
    expect(cells['installation'].text.length).toBe(230);
    expect(cells['installation'].text.slice(98, 102)).toEqual(['i-98', 'i-99', 'i-100', 'i-101']);
    expect(text()).toContain('Showing 230 of 230 recipient rows.');
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Show more' }))).toEqual([]);
    const focused = document.activeElement as HTMLElement;
    expect(focused.getAttribute('role')).toBe('status');
    expect(focused.textContent!.trim()).toBe('Showing 230 of 230 recipient rows.');
  });

  it('keeps the rows read when the next page fails, says so, and Retry reads it again', async () => {
    await render(true);
    await settle(5);
    http
      .expectOne((r) => r.url === reportUrl)
      .flush({ ...manyRows, recipientRows: rowsFrom(0, 100), nextPaginationKey: '100' });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Show more' }))).click();
    http
      .expectOne((r) => r.url === reportUrl)
      .flush(
        { errorCode: 'PUSH_MESSAGE_NOT_FOUND', message: 'No record of push message p-1' },
        { status: 404, statusText: 'Not Found' },
      );
    await fixture.whenStable();
    expect(text()).toContain('More rows could not be loaded. Press Retry; the rows above stay:');
    expect(text()).toContain('PUSH_MESSAGE_NOT_FOUND');
    expect(text()).toContain('Showing 100 of 230 recipient rows.');
    const rows = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Recipients of the push"]' }),
    );
    expect((await rows.getRows()).length).toBe(100);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    const again = http.expectOne((r) => r.url === reportUrl);
    expect(again.request.params.get('paginationKey')).toBe('100');
    again.flush({ ...manyRows, recipientRows: rowsFrom(100, 130) });
    await fixture.whenStable();
    expect(text()).not.toContain('could not be loaded');
    expect((await rows.getRows()).length).toBe(230);
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
