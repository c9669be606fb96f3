import { Injectable, inject } from '@angular/core';
import {
  Observable,
  catchError,
  defer,
  from,
  map,
  retry,
  switchMap,
  throwError,
  timer,
} from 'rxjs';

import { KiiError, isKiiError, makeKiiError, toKiiError } from '../kii-error';
import { SdkPushInstallation } from '../kii-sdk';
import { KiiRest } from '../kii-rest';
import { KiiPrincipalContext, SessionStore } from '../session';
import { ENDPOINT_RETRY, MqttEndpoint, MqttEndpointBody, parseMqttEndpoint } from './mqtt-endpoint';
import { InstallAnswer, InstallRequest, Installation, InstallationRef } from './installation';
import type { PushInstallations } from './push-installations';

const INSTALL_MEDIA_TYPE = 'application/vnd.kii.InstallationCreationRequest+json';
// `KiiPushInstallation._validateDeviceType`: the SDK refuses JPUSH before sending anything.
const SDK_DEVICE_TYPES = ['ANDROID', 'IOS', 'MQTT'];

/** `GET /installations/{ref}` (docs/kii-api.md §5.2). */
interface InstallationBody {
  readonly installationID: string;
  readonly installationRegistrationID: string;
  readonly deviceType: string;
  readonly development?: boolean;
  readonly userID?: string;
  readonly thingID?: string;
}

/**
 * Browser-only mode's transport of `PushInstallations`: Kii's push-installation flows for the
 * signed-in principal, as observables that fail only with `KiiError`. A user or thing acts through the official SDK; the app admin, which the
 * SDK cannot install for (no `userID` / `thingID` in its body, docs/kii-api.md §3), goes through
 * REST with the same error model. Reading one installation is REST for everyone: the SDK has
 * no call for it.
 */
@Injectable({ providedIn: 'root' })
export class KiiPushInstallations implements PushInstallations {
  private readonly sessions = inject(SessionStore);
  private readonly rest = inject(KiiRest);
  private readonly retryPolicy = inject(ENDPOINT_RETRY);

  /**
   * Installs MQTT push for `request.owner` (app admin) or for the signed-in user or thing.
   * A repeat install answers the owner's existing installation (one MQTT installation each).
   */
  install$(request: InstallRequest): Observable<InstallAnswer> {
    return this.withContext$((context) => {
      if (context.kind === 'admin') {
        const owner = request.owner;
        if (!owner) return throwError(() => invalid('The app admin must name a user or thing.'));
        const body = {
          deviceType: 'MQTT',
          development: request.development,
          ...(owner.kind === 'user' ? { userID: owner.id } : { thingID: owner.id }),
        };
        return this.rest.app$<{ installationID: string; installationRegistrationID: string }>(
          'POST',
          '/installations',
          { body, contentType: INSTALL_MEDIA_TYPE },
        );
      }
      const self = this.sessions.session()?.principal.id;
      if (request.owner && request.owner.id !== self) {
        return throwError(() => invalid('A user or thing can only install push for itself.'));
      }
      return from(pushOf(context).installMqtt(request.development));
    }).pipe(
      map((answer) => {
        if (!answer?.installationID || !answer.installationRegistrationID) {
          throw makeKiiError('server', { status: 200, detail: 'The install answer had no IDs.' });
        }
        return {
          installationID: answer.installationID,
          registrationID: answer.installationRegistrationID,
        };
      }),
      catchError((error: unknown) => throwError(() => toKiiError(error))),
    );
  }

  /** One installation by either reference. The owner's name is not resolved (it is the ID). */
  get$(ref: InstallationRef): Observable<Installation> {
    return this.rest.app$<InstallationBody>('GET', `/installations/${refSegment(ref)}`).pipe(
      map((body) => {
        if (!body?.installationID) {
          throw makeKiiError('server', { status: 200, detail: 'The answer had no installation.' });
        }
        return installationOf(body);
      }),
      catchError((error: unknown) => throwError(() => toKiiError(error))),
    );
  }

  /**
   * The MQTT endpoint of an installation. A 503 is retried by `ENDPOINT_RETRY` (the SDK does
   * the same by itself); when it still answers 503 the error's kind is `not-ready`, whatever
   * errorCode came with it.
   */
  endpoint$(installationID: string): Observable<MqttEndpoint> {
    const { attempts, delayMs } = this.retryPolicy;
    return this.withContext$((context): Observable<MqttEndpointBody> => {
      if (context.kind !== 'admin') return from(pushOf(context).getMqttEndpoint(installationID));
      return defer(() =>
        this.rest.app$<MqttEndpointBody>(
          'GET',
          `/installations/${encodeURIComponent(installationID)}/mqtt-endpoint`,
        ),
      ).pipe(
        retry({
          count: Math.max(0, attempts - 1),
          delay: (error: unknown) =>
            isKiiError(error) && error.status === 503 ? timer(delayMs) : throwError(() => error),
        }),
      );
    }).pipe(
      map((body) => parseMqttEndpoint(body, Date.now())),
      catchError((raw: unknown) => {
        const error = toKiiError(raw);
        return throwError(() => (error.status === 503 ? notReady(error) : error));
      }),
    );
  }

  /** Uninstalls by either reference: the owner stops receiving pushes on it. */
  uninstall$(ref: InstallationRef): Observable<void> {
    return this.withContext$((context): Observable<unknown> => {
      const viaRest = () => this.rest.app$<unknown>('DELETE', `/installations/${refSegment(ref)}`);
      if (context.kind === 'admin') return viaRest();
      const push = pushOf(context);
      if (ref.by === 'id') return from(push.uninstallByInstallationID(ref.installationID));
      // The SDK refuses JPUSH client-side; Kii's REST API takes it with the same token.
      if (!SDK_DEVICE_TYPES.includes(ref.deviceType)) return viaRest();
      return from(push.uninstall(ref.registrationID, ref.deviceType));
    }).pipe(
      map(() => undefined),
      catchError((error: unknown) => throwError(() => toKiiError(error))),
    );
  }

  private withContext$<T>(work: (context: KiiPrincipalContext) => Observable<T>): Observable<T> {
    return this.sessions.context$().pipe(switchMap((context) => defer(() => work(context))));
  }
}

function pushOf(context: Exclude<KiiPrincipalContext, { kind: 'admin' }>): SdkPushInstallation {
  return context.kind === 'user'
    ? context.user.pushInstallation()
    : context.thing.pushInstallation();
}

/** The URL segment: the ID, or `MQTT:regID` with each part encoded (the colon stays). */
export function refSegment(ref: InstallationRef): string {
  return ref.by === 'id'
    ? encodeURIComponent(ref.installationID)
    : `${encodeURIComponent(ref.deviceType)}:${encodeURIComponent(ref.registrationID)}`;
}

function installationOf(body: InstallationBody): Installation {
  const owner = body.userID
    ? { kind: 'user' as const, id: body.userID, name: body.userID }
    : body.thingID
      ? { kind: 'thing' as const, id: body.thingID, name: body.thingID }
      : null;
  return {
    installationID: body.installationID,
    registrationID: body.installationRegistrationID,
    deviceType: body.deviceType,
    development: body.development === true,
    owner,
    createdAt: null,
  };
}

function notReady(error: KiiError): KiiError {
  return makeKiiError('not-ready', {
    status: 503,
    errorCode: error.errorCode ?? 'MQTT_ENDPOINT_NOT_READY',
    detail: error.detail,
  });
}

function invalid(detail: string): KiiError {
  return makeKiiError('invalid', { detail });
}
