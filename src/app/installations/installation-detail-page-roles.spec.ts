import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter } from '@angular/router';

import { settle } from '../../testing/installation-sessions';
import { answerDiscovery } from '../../testing/installations-setup';
import { TEAM_APP_ID, signInToTeam } from '../../testing/team-session';
import { ByRole, ControlState, buttonState, forRole, roleTable } from '../../testing/team-roles';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { TEAM_ROLES, TeamRole } from '../core/team/team-types';
import InstallationDetailPage from './installation-detail-page';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Blank {}

const INSTALLATION_URL = `/team/api/apps/${TEAM_APP_ID}/installations/inst-1`;
const ENDPOINT_URL = `${INSTALLATION_URL}/mqtt-endpoint`;
const ROW = {
  installationID: 'inst-1',
  registrationID: 'reg-1',
  deviceType: 'MQTT',
  owner: { type: 'user', id: 'user-1' },
  addedBy: 'olivia',
  addedAt: 1_764_000_000_000,
};
const ENDPOINT = {
  installationID: 'inst-1',
  username: 'mqtt-user-1',
  password: 'secret-pass-1',
  mqttTopic: 'topic-1',
  host: '127.0.0.1',
  portTCP: 1883,
  portSSL: 8883,
  portWS: 8080,
  portWSS: 0,
  ttl: 600,
};

// What each role gets on an installation's page (README.md, "What each role sees"; docs/team-api.md).
//                                              viewer     support    operator   admin
const CONTROLS = roleTable<ControlState>({
  'Copy installation ID': /*                 */ ['enabled', 'enabled', 'enabled', 'enabled'],
  'Watch live traffic': /*                   */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Uninstall…': /*                           */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Show password': /*                        */ ['hidden', 'hidden', 'enabled', 'enabled'],
  'Fetch again': /*                          */ ['hidden', 'hidden', 'enabled', 'enabled'],
  // Diagnose is browser-only: the trace extension takes the browser's own admin token.
  'Diagnose a push': /*                      */ ['hidden', 'hidden', 'hidden', 'hidden'],
});
/** Roles whose page asks for the MQTT endpoint (the credential reveal, audited). */
const REVEALS: ByRole = [false, false, true, true];

describe('InstallationDetailPage in team mode, per role', () => {
  let fixture: ComponentFixture<InstallationDetailPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(role: TeamRole): Promise<void> {
    TestBed.configureTestingModule({
      imports: [InstallationDetailPage],
      providers: [
        ...provideTestBrowser(createTestBrowser()),
        provideRouter([
          { path: 'installations', component: Blank },
          { path: 'live', component: Blank },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam(role);
    fixture = TestBed.createComponent(InstallationDetailPage);
    fixture.componentRef.setInput('installationId', 'inst-1');
    answerDiscovery(http, false);
    await fixture.whenStable();
    await settle(5);
    http.expectOne(INSTALLATION_URL).flush(ROW);
    await fixture.whenStable();
    await settle(5);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');

  function control(name: string): Promise<ControlState> {
    const byLabel = MatButtonHarness.with({ selector: `[aria-label="${name}"]` });
    const byText = MatButtonHarness.with({ text: new RegExp(`${name}$`) });
    return name.startsWith('Copy ') || name === 'Show password'
      ? buttonState(loader, byLabel)
      : buttonState(loader, byText);
  }

  afterEach(() => http.verify());

  for (const role of TEAM_ROLES) {
    describe(`as ${role}`, () => {
      beforeEach(() => render(role));

      it('reveals the MQTT credentials only to roles that may, and says why to the others', async () => {
        const reveals = forRole(REVEALS, role);
        if (reveals) {
          http.expectOne(ENDPOINT_URL).flush(ENDPOINT);
          await fixture.whenStable();
          expect(text()).toContain('mqtt-user-1');
          expect(text()).not.toContain('does not reveal MQTT credentials');
        } else {
          http.expectNone(ENDPOINT_URL);
          expect(text()).toContain(
            'Your role on this app does not reveal MQTT credentials: that needs the operator role',
          );
        }
      });

      it('offers exactly the actions of the role', async () => {
        if (forRole(REVEALS, role)) {
          http.expectOne(ENDPOINT_URL).flush(ENDPOINT);
          await fixture.whenStable();
        }
        expect(await CONTROLS.observe(control)).toEqual(CONTROLS.expectedFor(role));
      });
    });
  }
});
