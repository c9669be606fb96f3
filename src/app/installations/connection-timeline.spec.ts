import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';

import { installationRow } from '../../testing/installations-setup';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { connectionRecord } from '../../testing/trace-fixtures';
import { ConnectionRecord } from '../core/kii/push-trace';
import { ConnectionTimeline } from './connection-timeline';
import { InstallationTable } from './installation-table';

const AT = Date.UTC(2026, 0, 2, 3, 4, 5);

const record = (extra: Partial<ConnectionRecord>) => connectionRecord(AT, extra);

describe('ConnectionTimeline', () => {
  beforeEach(() =>
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) }),
  );

  it('lists connections newest first with transport, address, times and close reason', async () => {
    const fixture = TestBed.createComponent(ConnectionTimeline);
    fixture.componentRef.setInput('history', {
      connected: true,
      lastSeenAt: AT + 5000,
      connections: [
        record({ connectionID: 'c-2', transport: 'tcp', tookOver: 'c-1' }),
        record({
          subscribedAt: null,
          closedAt: AT + 2000,
          closeReason: 'TAKEOVER',
          takenOverBy: 'c-2',
        }),
      ],
    });
    await fixture.whenStable();
    const list = (fixture.nativeElement as HTMLElement).querySelector(
      'ol[aria-label="Connections, newest first"]',
    )!;
    const items = [...list.querySelectorAll('li')].map((li) =>
      li.textContent!.replace(/\s+/g, ' '),
    );
    expect(fixture.nativeElement.textContent).toContain('Connected now.');
    expect(items[0]).toContain('c-2');
    expect(items[0]).toContain('TCP');
    expect(items[0]).toMatch(/Took over ?c-1/);
    expect(items[0]).toMatch(/Closed ?Open/);
    expect(items[1]).toContain('WebSocket');
    expect(items[1]).toContain('127.0.0.1');
    expect(items[1]).toContain('Not subscribed');
    expect(items[1]).toContain('TAKEOVER');
    expect(items[1]).toMatch(/Taken over by ?c-2/);
  });

  it('says when an installation never connected', async () => {
    const fixture = TestBed.createComponent(ConnectionTimeline);
    fixture.componentRef.setInput('history', {
      connected: false,
      lastSeenAt: null,
      connections: [],
    });
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('Never connected.');
    expect(fixture.nativeElement.querySelector('ol')).toBeNull();
  });
});

describe('InstallationTable "Last seen"', () => {
  beforeEach(() =>
    TestBed.configureTestingModule({
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    }),
  );

  async function headers(rows: ReturnType<typeof installationRow>[]) {
    const fixture = TestBed.createComponent(InstallationTable);
    fixture.componentRef.setInput('rows', rows);
    await fixture.whenStable();
    const table = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatTableHarness);
    const [header] = await table.getHeaderRows();
    return { table, names: Object.keys(await header.getCellTextByColumnName()) };
  }

  it('is shown when the rows carry it (the trace extension) and says now, a time or never', async () => {
    const { table, names } = await headers([
      installationRow(1, { lastSeen: { connected: true, at: AT } }),
      installationRow(2, { lastSeen: { connected: false, at: AT } }),
      installationRow(3, { lastSeen: { connected: false, at: null } }),
    ]);
    expect(names).toContain('lastSeen');
    const cells = (await table.getCellTextByColumnName())['lastSeen'].text;
    expect(cells[0]).toBe('Connected now');
    expect(cells[1]).toMatch(/2026|26/);
    expect(cells[2]).toBe('Never');
  });

  it('is hidden when the rows do not carry it (no trace extension, Kii Cloud)', async () => {
    const { names } = await headers([installationRow(1)]);
    expect(names).not.toContain('lastSeen');
  });
});
