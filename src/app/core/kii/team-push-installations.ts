import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, throwError } from 'rxjs';

import { KiiError, makeKiiError, toKiiError } from '../kii-error';
import { SessionStore } from '../session';
import { TeamApi } from '../team/team-api';
import { InstallAnswer, InstallRequest, Installation, InstallationRef } from './installation';
import { refSegment } from './kii-push-installations';
import { MqttEndpoint, parseMqttEndpoint } from './mqtt-endpoint';
import type { PushInstallations } from './push-installations';

/** An installation as the console server answers it (console-server/routes/installations-routes.ts). */
export interface TeamInstallationRow {
  readonly installationID: string;
  readonly registrationID?: string;
  readonly deviceType?: string;
  readonly owner?: { readonly type?: string; readonly id?: string };
  readonly development?: boolean;
  readonly createdAt?: number;
  readonly ownerName?: string | null;
  /** Login of the person who first recorded it in the shared registry. */
  readonly addedBy?: string | null;
  readonly addedAt?: number;
}

/** The row as the console shows installations, who added it included. */
export function installationOfRow(row: TeamInstallationRow): Installation {
  const kind = row.owner?.type === 'user' || row.owner?.type === 'thing' ? row.owner.type : null;
  const id = row.owner?.id;
  return {
    installationID: row.installationID,
    registrationID: row.registrationID ?? '',
    deviceType: row.deviceType ?? 'MQTT',
    development: row.development === true,
    owner: kind && id ? { kind, id, name: row.ownerName || id } : null,
    // The local server's creation time, else when the team first recorded it.
    createdAt: row.createdAt ?? row.addedAt ?? null,
    addedBy: row.addedBy ?? null,
  };
}

/**
 * Team mode's transport of `PushInstallations`: the console server's installation routes for
 * the chosen app. The server holds the app admin's credentials, records what it learns in the
 * shared registry and audits every call; the browser sees only the answers.
 */
@Injectable({ providedIn: 'root' })
export class TeamPushInstallations implements PushInstallations {
  private readonly api = inject(TeamApi);
  private readonly sessions = inject(SessionStore);

  install$(request: InstallRequest): Observable<InstallAnswer> {
    const owner = request.owner;
    if (!owner) return throwError(() => invalid('Name the user or thing to install for.'));
    const body = {
      ...(owner.kind === 'user' ? { userID: owner.id } : { thingID: owner.id }),
      development: request.development,
    };
    return this.call$((path) =>
      this.api.post$<{ installationID: string; installationRegistrationID: string }>(path, body),
    ).pipe(
      map((answer) => ({
        installationID: answer.installationID,
        registrationID: answer.installationRegistrationID,
      })),
    );
  }

  get$(ref: InstallationRef): Observable<Installation> {
    return this.call$((path) =>
      this.api.get$<TeamInstallationRow>(`${path}/${refSegment(ref)}`),
    ).pipe(map(installationOfRow));
  }

  endpoint$(installationID: string): Observable<MqttEndpoint> {
    const ref = refSegment({ by: 'id', installationID });
    return this.call$((path) =>
      this.api.get$<Record<string, unknown> & { ttlSeconds?: number }>(
        `${path}/${ref}/mqtt-endpoint`,
      ),
    ).pipe(
      // The server names the TTL `ttlSeconds`; Kii's header name is what the parser reads.
      map(({ ttlSeconds, ...body }) =>
        parseMqttEndpoint({ ...body, 'X-MQTT-TTL': ttlSeconds }, Date.now()),
      ),
      catchError((error: KiiError) =>
        throwError(() =>
          error.status === 503
            ? makeKiiError('not-ready', { status: 503, errorCode: 'MQTT_ENDPOINT_NOT_READY' })
            : error,
        ),
      ),
    );
  }

  uninstall$(ref: InstallationRef): Observable<void> {
    return this.call$((path) => this.api.delete$<unknown>(`${path}/${refSegment(ref)}`)).pipe(
      map(() => undefined),
    );
  }

  /** Runs `work` with `/apps/{appId}/installations`, or fails when no app is chosen. */
  private call$<T>(work: (path: string) => Observable<T>): Observable<T> {
    const appId = this.sessions.session()?.appId;
    if (!appId) return throwError(() => makeKiiError('auth', { detail: 'No app is chosen.' }));
    return work(this.api.appPath(appId, '/installations')).pipe(
      catchError((raw: unknown) => throwError(() => toKiiError(raw))),
    );
  }
}

function invalid(detail: string): KiiError {
  return makeKiiError('invalid', { detail });
}
