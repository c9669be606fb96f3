import { Clipboard } from '@angular/cdk/clipboard';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatTabGroupHarness } from '@angular/material/tabs/testing';
import { Router, Routes, provideRouter } from '@angular/router';

import { TEST_APP_URL } from '../../testing/admin-session';
import { settle } from '../../testing/installation-sessions';
import { clickButton, dialogText } from '../../testing/installations-harness';
import {
  answerDiscovery,
  installationBody,
  installationRow,
  signInAt,
} from '../../testing/installations-setup';
import {
  MemoryInstallationCatalog,
  provideMemoryCatalog,
} from '../../testing/memory-installation-catalog';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import InstallationDetailPage from './installation-detail-page';
import { ENDPOINT_RETRY } from '../core/kii/mqtt-endpoint';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

const ENDPOINT = {
  installationID: 'inst-1',
  username: 'mqtt-user-1',
  password: 'secret-pass-1',
  mqttTopic: 'topic-1',
  host: 'broker.example',
  portTCP: 1883,
  portSSL: 8883,
  portWS: 8080,
  portWSS: 0,
  'X-MQTT-TTL': 90061,
};
const ENDPOINT_URL = `${TEST_APP_URL}/installations/inst-1/mqtt-endpoint`;

describe('InstallationDetailPage', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<InstallationDetailPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let copied: jasmine.Spy;

  async function render(routes: Routes = [], id = 'inst-1'): Promise<void> {
    TestBed.configureTestingModule({
      imports: [InstallationDetailPage],
      providers: [
        ...provideTestBrowser(createTestBrowser()),
        provideMemoryCatalog(new MemoryInstallationCatalog()),
        provideRouter([{ path: 'installations', component: Blank }, ...routes]),
        { provide: ENDPOINT_RETRY, useValue: { attempts: 3, delayMs: 1 } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    copied = spyOn(TestBed.inject(Clipboard), 'copy').and.returnValue(true);
    await signInAt('local');
    fixture = TestBed.createComponent(InstallationDetailPage);
    fixture.componentRef.setInput('installationId', id);
    answerDiscovery(http, true);
    await fixture.whenStable();
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
  }
  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  async function answer(url: string, body: object | null, status = 200): Promise<void> {
    await settle(5);
    http.expectOne(url).flush(body, { status, statusText: status < 400 ? 'OK' : 'Error' });
    await fixture.whenStable();
  }

  /** Reads the installation, names alice, and fetches the endpoint. */
  async function load(endpoint: object = ENDPOINT): Promise<void> {
    await answer(`${TEST_APP_URL}/installations/inst-1`, installationBody(installationRow(1)));
    await answer(`${TEST_APP_URL}/users/user-1`, { userID: 'user-1', loginName: 'alice' });
    await answer(ENDPOINT_URL, endpoint);
  }

  it('shows the owner, the IDs with copy buttons and the endpoint, the password masked', async () => {
    await render();
    await load();
    const page = text();
    expect(page).toContain('User alice');
    expect(page).toContain('reg-1');
    expect(page).toContain('broker.example');
    expect(page).toContain('TCP 1883');
    expect(page).toContain('WebSocket TLS not offered');
    expect(page).toContain('topic-1');
    expect(page).toContain('mqtt-user-1');
    expect(page).not.toContain('secret-pass-1');
    // 90,061 s is one day, one hour, one minute and one second (less what passed since).
    expect(page).toMatch(/1 d 01:0[01]:\d\d ?until/);

    await clickButton(loader, 'Copy registration ID');
    expect(copied).toHaveBeenCalledWith('reg-1');
  });

  it('says credentials that never expire do not expire, as the Connect summary does', async () => {
    await render();
    await load({ ...ENDPOINT, 'X-MQTT-TTL': 2147483647 });
    const page = text();
    expect(page).toContain('Valid for Does not expire');
    expect(page).not.toContain('24,855 d');
    expect(page).not.toContain('until');
  });

  it('reveals and copies the password, and puts it in the connection code', async () => {
    await render();
    await load();
    await clickButton(loader, 'Copy password');
    expect(copied).toHaveBeenCalledWith('secret-pass-1');

    const reveal = await loader.getHarness(
      MatButtonHarness.with({ selector: '[aria-label="Show password"]' }),
    );
    await reveal.click();
    expect(text()).toContain('secret-pass-1');
    await clickButton(loader, 'Hide password');
    expect(text()).not.toContain('secret-pass-1');

    const tabs = await loader.getHarness(MatTabGroupHarness);
    await tabs.selectTab({ label: 'Paho' });
    const paho = await (await tabs.getSelectedTab()).getTextContent();
    expect(paho).toContain(`new Paho.Client("broker.example", 8080, '/mqtt', topic)`);
    expect(paho).toContain('password: "••••••••"');
    await clickButton(loader, 'Copy Paho code');
    expect(copied.calls.mostRecent().args[0]).toContain('password: "secret-pass-1"');
  });

  it('says "endpoint not ready" after three 503 answers, and retries on request', async () => {
    await render();
    await answer(`${TEST_APP_URL}/installations/inst-1`, installationBody(installationRow(1)));
    await answer(`${TEST_APP_URL}/users/user-1`, { userID: 'user-1', loginName: 'alice' });
    const busy = { errorCode: 'MQTT_ENDPOINT_NOT_READY', message: 'being prepared' };
    for (let attempt = 0; attempt < 3; attempt++) await answer(ENDPOINT_URL, busy, 503);
    expect(text()).toContain('Endpoint not ready');
    expect(text()).toContain('MQTT_ENDPOINT_NOT_READY');

    await clickButton(loader, 'Retry');
    await answer(ENDPOINT_URL, ENDPOINT);
    expect(text()).not.toContain('Endpoint not ready');
    expect(text()).toContain('broker.example');
  });

  it('shows a failed load inline and retries it', async () => {
    await render();
    await answer(
      `${TEST_APP_URL}/installations/inst-1`,
      { errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' },
      404,
    );
    expect(text()).toContain('The installation could not be loaded');
    expect(text()).toContain('INSTALLATION_NOT_FOUND');
    await clickButton(loader, 'Retry');
    await load();
    expect(text()).not.toContain('could not be loaded');
  });

  it('has no MQTT endpoint for an Android installation', async () => {
    await render();
    await answer(
      `${TEST_APP_URL}/installations/inst-1`,
      installationBody(installationRow(1, { deviceType: 'ANDROID' })),
    );
    await answer(`${TEST_APP_URL}/users/user-1`, { userID: 'user-1', loginName: 'alice' });
    expect(text()).toContain(
      'This ANDROID installation receives pushes through its own push network',
    );
    http.expectNone(ENDPOINT_URL);
  });

  it('links to live traffic only once that page exists', async () => {
    await render();
    await load();
    expect(text()).not.toContain('Watch live traffic');
    TestBed.resetTestingModule();

    await render([{ path: 'live', component: Blank }]);
    await load();
    expect(text()).toContain('Watch live traffic');
  });

  it('uninstalls by installation ID after confirming, then goes back to the list', async () => {
    await render();
    await load();
    await clickButton(loader, /Uninstall…/);
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialogText(dialog)).toContain('User alice will stop receiving pushes');
    await clickButton(dialog, 'Uninstall');
    await answer(`${TEST_APP_URL}/installations/inst-1`, null, 204);
    await settle();
    expect(TestBed.inject(Router).url).toBe('/installations');
  });
});
