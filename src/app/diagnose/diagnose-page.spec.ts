import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';

import { TEST_APP_URL, TEST_BASE_URL } from '../../testing/admin-session';
import { LOCAL_INFO } from '../../testing/connect-page-harness';
import { settle } from '../../testing/installation-sessions';
import { clickButton, inputLabelled } from '../../testing/installations-harness';
import { installationBody, installationRow, signInAt } from '../../testing/installations-setup';
import {
  MemoryInstallationCatalog,
  provideMemoryCatalog,
} from '../../testing/memory-installation-catalog';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { PUSH_BODY, connectionRecord } from '../../testing/trace-fixtures';
import { Installation } from '../core/kii/installation';
import { LOCAL_INFO_PATH } from '../core/local-server';
import { RecentSends } from '../compose/recent-sends';
import DiagnosePage from './diagnose-page';

const X_LOCAL = `${TEST_BASE_URL}/x-local/v1/apps/demoapp`;
const SENT_AT = Date.UTC(2026, 0, 2, 3, 4, 5);
/** What Kii Cloud's mqtt-endpoint answers for inst-1. */
const ENDPOINT_BODY = {
  installationID: 'inst-1',
  username: 'u',
  password: 'p',
  mqttTopic: 't',
  host: 'h',
  portWS: 1,
  portWSS: 2,
};

describe('DiagnosePage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<DiagnosePage>;
  let loader: HarnessLoader;

  /** Renders the page signed in as the admin; `traced`: the local server lists "trace". */
  async function render(traced: boolean): Promise<void> {
    TestBed.configureTestingModule({
      imports: [DiagnosePage],
      providers: [
        ...provideTestBrowser(createTestBrowser()),
        provideMemoryCatalog(new MemoryInstallationCatalog()),
        provideRouter([]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signInAt(traced ? 'local' : 'cloud');
    fixture = TestBed.createComponent(DiagnosePage);
    await settle();
    const discovery = http.expectOne(`${TEST_BASE_URL}${LOCAL_INFO_PATH}`);
    if (traced) discovery.flush({ ...LOCAL_INFO, extensions: ['installations', 'trace'] });
    else discovery.flush('Not Found', { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
  }
  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  async function answer(match: string, body: object | null, status = 200): Promise<void> {
    await settle(5);
    http
      .expectOne((r) => r.url === match)
      .flush(body, { status, statusText: status < 400 ? 'OK' : 'Error' });
    await fixture.whenStable();
  }

  /** Answers the three reads of a traced diagnosis of inst-1: installation, outcome, history. */
  async function answerDiagnosis(
    installation: Installation,
    outcome: object,
    connections: object,
  ): Promise<void> {
    await settle(5);
    http.expectOne(`${TEST_APP_URL}/installations/inst-1`).flush(installationBody(installation));
    http
      .expectOne((r) => r.url === `${X_LOCAL}/installations/inst-1/deliveries`)
      .flush({ installationID: 'inst-1', ...outcome });
    http
      .expectOne(`${X_LOCAL}/installations/inst-1/connections`)
      .flush({ installationID: 'inst-1', ...connections });
    await fixture.whenStable();
  }

  async function findInstallation(id: string): Promise<void> {
    await (await inputLabelled(loader, 'Installation, user or thing')).setValue(id);
    await clickButton(loader, 'Find');
    await fixture.whenStable();
  }

  it('diagnoses a push picked from the recent pushes: written to connection c (ws) at t', async () => {
    await render(true);
    expect(text()).toContain("Using this local server's delivery trace");
    await findInstallation('inst-1');
    await answer(`${X_LOCAL}/installations/inst-1/deliveries`, {
      installationID: 'inst-1',
      deliveries: [
        {
          pushMessageID: 'p-1',
          sentAt: SENT_AT,
          target: 'kiicloud://topics/news',
          installationID: 'inst-1',
          userID: 'user-1',
          outcome: 'DELIVERED',
          connectionID: 'c-1',
          transport: 'ws',
          writtenAt: SENT_AT + 2,
        },
      ],
    });
    const table = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Recent pushes to this installation"]' }),
    );
    const cells = await (await table.getRows())[0].getCellTextByColumnName();
    expect(cells['target']).toBe('kiicloud://topics/news');
    expect(cells['outcome']).toBe('DELIVERED');

    await clickButton(loader, 'Diagnose push p-1');
    await answerDiagnosis(
      installationRow(1, { createdAt: null }),
      {
        push: { ...PUSH_BODY, sentAt: SENT_AT },
        deliveries: [
          {
            pushMessageID: 'p-1',
            installationID: 'inst-1',
            userID: 'user-1',
            outcome: 'DELIVERED',
            connectionID: 'c-1',
            transport: 'ws',
            writtenAt: SENT_AT + 2,
          },
        ],
      },
      {
        connected: true,
        lastSeenAt: SENT_AT + 9,
        connections: [connectionRecord(SENT_AT - 1000)],
      },
    );

    const page = text();
    expect(page).toContain("Written to the device's connection");
    expect(page).toMatch(/Written to connection c-1 \(ws\) at .*2026/);
    expect(page).toContain("What to do: The server's part is done; QoS 0 has no receipt");
    expect(page).not.toMatch(/received\b(?! it)/);
    const checks = (fixture.nativeElement as HTMLElement).querySelectorAll('ol li');
    expect(checks.length).toBe(10);
    expect(checks[0].textContent).toContain('Send accepted');
    expect(checks[0].textContent).toContain('Passed');
    const report = await loader.getHarness(MatButtonHarness.with({ text: /Report of push p-1/ }));
    expect(await (await report.host()).getAttribute('href')).toBe('/pushes/p-1');
  });

  it('finds a user by login name, picks its one MQTT installation and shows a failure', async () => {
    await render(true);
    const by = await loader.getHarness(MatSelectHarness);
    await by.open();
    await by.clickOptions({ text: 'User, by login name' });
    await findInstallation('alice');
    await answer(`${TEST_APP_URL}/users/LOGIN_NAME:alice`, {
      userID: 'user-1',
      loginName: 'alice',
    });
    await settle(5);
    const listing = http.expectOne((r) => r.url === `${X_LOCAL}/installations`);
    expect(listing.request.params.get('userID')).toBe('user-1');
    listing.flush({
      installations: [
        { ...installationBody(installationRow(1, { development: true })), connected: false },
      ],
      total: 1,
    });
    await answer(`${X_LOCAL}/installations/inst-1/deliveries`, { deliveries: [] });
    expect(text()).toMatch(/Diagnosing installation ?inst-1/);
    expect(text()).toContain('No recent push to pick');

    await (await inputLabelled(loader, 'Push message ID')).setValue('p-1');
    await clickButton(loader, 'Diagnose');
    await answerDiagnosis(
      installationRow(1, { development: true }),
      {
        push: { ...PUSH_BODY, sendToDevelopment: false, sendToProduction: true },
        deliveries: [
          { pushMessageID: 'p-1', installationID: 'inst-1', outcome: 'ENVIRONMENT_FILTERED' },
        ],
      },
      { connected: false, lastSeenAt: null, connections: [] },
    );
    expect(text()).toContain('ENVIRONMENT_FILTERED');
    expect(text()).toContain(
      'What to do: This installation is development; resend with Development ticked.',
    );
  });

  it('shows an owner that cannot be found inline, and finds it on Retry', async () => {
    await render(true);
    const by = await loader.getHarness(MatSelectHarness);
    await by.open();
    await by.clickOptions({ text: 'Thing, by vendor thing ID' });
    await findInstallation('door-1');
    const lookup = `${TEST_APP_URL}/things/VENDOR_THING_ID:door-1`;
    await answer(lookup, { errorCode: 'THING_NOT_FOUND' }, 404);
    expect(text()).toContain('The installations could not be found:');
    expect(text()).toContain('THING_NOT_FOUND');

    await clickButton(loader, 'Retry');
    await answer(lookup, { _thingID: 'th.1', _vendorThingID: 'door-1' });
    await answer(`${X_LOCAL}/installations`, { installations: [], total: 0 });
    expect(text()).not.toContain('could not be found');
    expect(text()).toContain('No installation found for this owner yet.');
  });

  it('shows a failed diagnosis inline with Retry', async () => {
    await render(true);
    await findInstallation('inst-1');
    await answer(`${X_LOCAL}/installations/inst-1/deliveries`, { deliveries: [] });
    await (await inputLabelled(loader, 'Push message ID')).setValue('p-1');
    await clickButton(loader, 'Diagnose');
    await settle(5);
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush({ errorCode: 'WRONG_TOKEN' }, { status: 401, statusText: 'Unauthorized' });
    // The other requests of the failed attempt were cancelled with it.
    http.match(() => true);
    await fixture.whenStable();
    expect(text()).toContain('The checks could not run:');
    expect(await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).toBeTruthy();
  });

  it('on Kii Cloud runs the checks Kii allows and says which it cannot make', async () => {
    await render(false);
    TestBed.inject(RecentSends).add({
      pushMessageID: 'p-9',
      appId: 'demoapp',
      target: { kind: 'user', user: { kind: 'user', id: 'user-1', name: 'user1' } },
      path: '/users/user-1/push/messages',
      sentAt: SENT_AT,
      bytes: 300,
      development: true,
      production: false,
      keys: ['k'],
    });
    expect(text()).toContain('Kii Cloud keeps no record of connections or deliveries');
    await findInstallation('inst-1');
    const table = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Pushes sent from this tab"]' }),
    );
    expect((await table.getRows()).length).toBe(1);
    await clickButton(loader, 'Diagnose push p-9');
    const cloud = 'https://api-jp.kii.com/api/apps/demoapp';
    await answer(`${cloud}/installations/inst-1`, installationBody(installationRow(1)));
    await answer(`${cloud}/installations/inst-1/mqtt-endpoint`, ENDPOINT_BODY);
    const page = text();
    expect(page).toContain('ENVIRONMENT_FILTERED');
    expect(page).toContain('This installation is production; resend with Production ticked.');
    expect(page).toContain('Sent from this tab at');
    expect(page).toContain('Cannot be checked here');
    expect(page).not.toContain('x-local');
  });
  describe('on Kii Cloud, an installation owned by a thing', () => {
    const cloud = 'https://api-jp.kii.com/api/apps/demoapp';
    const thingOwned = installationRow(1, {
      owner: { kind: 'thing', id: 'th.lamp', name: 'th.lamp' },
    });

    /** Diagnoses p-9, which this tab did not send, for inst-1: the endpoint answers. */
    async function diagnoseThingOwned(): Promise<void> {
      await render(false);
      await findInstallation('inst-1');
      await (await inputLabelled(loader, 'Push message ID')).setValue('p-9');
      await clickButton(loader, 'Diagnose');
      await answer(`${cloud}/installations/inst-1`, installationBody(thingOwned));
      await answer(`${cloud}/installations/inst-1/mqtt-endpoint`, ENDPOINT_BODY);
    }

    it("shows the thing's online status as the Connected check's evidence", async () => {
      await diagnoseThingOwned();
      await answer(`${cloud}/things/th.lamp`, {
        _thingID: 'th.lamp',
        _vendorThingID: 'lamp',
        _online: false,
        _onlineStatusModifiedAt: SENT_AT - 60_000,
      });
      // Without this tab's send record the time of the send is not known: evidence only.
      const page = text();
      expect(page).toMatch(/Connected\s?Cannot tell\s?The thing is offline now, since /);
      expect(page).toContain('Nothing Kii Cloud shows explains it');
    });

    it('says Connected cannot be checked when the thing cannot be read', async () => {
      await diagnoseThingOwned();
      await answer(
        `${cloud}/things/th.lamp`,
        { errorCode: 'THING_NOT_FOUND', message: 'not found' },
        404,
      );
      const page = text();
      expect(page).toContain('Nothing Kii Cloud shows explains it');
      expect(page).not.toContain('The thing is');
      expect(page).toMatch(/Connected\s?Cannot be checked here/);
      expect(page).toContain('Kii Cloud keeps no record of MQTT connections');
    });
  });
});
