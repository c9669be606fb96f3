import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { ConsoleMode } from '../team/console-mode';
import { InstallAnswer, InstallRequest, Installation, InstallationRef } from './installation';
import { KiiPushInstallations } from './kii-push-installations';
import { MqttEndpoint } from './mqtt-endpoint';
import { TeamPushInstallations } from './team-push-installations';

/**
 * Push installations, whatever the mode: through the SDK and Kii's REST API with the
 * signed-in principal in browser-only mode (`KiiPushInstallations`), through the console
 * server's /team/api in team mode (`TeamPushInstallations`). The transport is chosen once,
 * when the facade is first injected (after the start-up's mode detection). Every failure is a
 * `KiiError`.
 */
@Injectable({
  providedIn: 'root',
  useFactory: () =>
    inject(ConsoleMode).team() ? inject(TeamPushInstallations) : inject(KiiPushInstallations),
})
export abstract class PushInstallations {
  /**
   * Installs MQTT push for `request.owner` (app admin, team mode) or for the signed-in user or
   * thing. A repeat install answers the owner's existing installation.
   */
  abstract install$(request: InstallRequest): Observable<InstallAnswer>;

  /** One installation by either reference. */
  abstract get$(ref: InstallationRef): Observable<Installation>;

  /** The MQTT endpoint of an installation; kind `not-ready` when it still answers 503. */
  abstract endpoint$(installationID: string): Observable<MqttEndpoint>;

  /** Uninstalls by either reference: the owner stops receiving pushes on it. */
  abstract uninstall$(ref: InstallationRef): Observable<void>;
}
