import { SdkPushInstallation } from '../app/core/kii-sdk';
import { MqttEndpointBody } from '../app/core/kii/mqtt-endpoint';
import { FakeRequest, FakeSubscriber, wrapperError } from './fake-kii-topics';

/** One installation of the fake app; `owner` is `users/<userID>` or `things/<thingID>`. */
export interface FakeInstallation {
  readonly installationID: string;
  readonly registrationID: string;
  readonly deviceType: string;
  readonly development: boolean;
  readonly owner: FakeSubscriber;
}

/**
 * The push installations of the fake Kii app, reached the way KiiSDK.js 2.4.19 reaches them
 * for a user or thing (`pushInstallation()`), with the local server's rules: one MQTT
 * installation per owner, only the owner may read or remove it (docs/kii-api.md §5, §11).
 * `getMqttEndpoint` retries 503 like the SDK (3 attempts) but without its 1 s waits.
 */
export class FakeKiiInstallations {
  /** installationID → installation. */
  readonly all = new Map<string, FakeInstallation>();
  /** How many upcoming endpoint attempts answer 503 MQTT_ENDPOINT_NOT_READY. */
  notReadyAttempts = 0;
  /** `X-MQTT-TTL` of the endpoints, in seconds. */
  ttlSeconds = 2147483647;
  private issued = 0;

  constructor(
    private readonly request: FakeRequest,
    private readonly calls: string[],
  ) {}

  /** Arranges an installation and returns it. */
  add(
    owner: FakeSubscriber,
    init: Partial<Omit<FakeInstallation, 'owner'>> = {},
  ): FakeInstallation {
    const n = ++this.issued;
    const installation: FakeInstallation = {
      installationID: init.installationID ?? `inst-${n}`,
      registrationID: init.registrationID ?? `reg-${n}`,
      deviceType: init.deviceType ?? 'MQTT',
      development: init.development ?? false,
      owner,
    };
    this.all.set(installation.installationID, installation);
    return installation;
  }

  /** The endpoint the fake answers for an installation. */
  endpointOf(installationID: string): MqttEndpointBody {
    return {
      installationID,
      username: `user-${installationID}`,
      password: `pass-${installationID}`,
      mqttTopic: `topic-${installationID}`,
      host: 'localhost',
      portTCP: 1883,
      portSSL: 0,
      portWS: 8080,
      portWSS: 0,
      'X-MQTT-TTL': this.ttlSeconds,
    };
  }

  /** `pushInstallation()` of the user or thing `owner`. */
  forOwner(owner: FakeSubscriber): SdkPushInstallation {
    return {
      installMqtt: (development) => {
        this.calls.push(`installMqtt ${owner} ${development}`);
        if (typeof development !== 'boolean') {
          return Promise.reject(new Error('type of development must be boolean.'));
        }
        return this.request('install push', () => {
          const existing = [...this.all.values()].find(
            (i) => i.owner === owner && i.deviceType === 'MQTT',
          );
          const installation = existing ?? this.add(owner, { development });
          return {
            installationID: installation.installationID,
            installationRegistrationID: installation.registrationID,
          };
        });
      },
      getMqttEndpoint: (installationID) => {
        this.calls.push(`getMqttEndpoint ${owner} ${installationID}`);
        return this.request('get mqtt endpoint', () => {
          const refused = this.refused(
            'get mqtt endpoint',
            owner,
            this.all.get(installationID),
            installationID,
          );
          if (refused) return refused;
          if (this.all.get(installationID)!.deviceType !== 'MQTT') {
            return wrapperError(
              'get mqtt endpoint',
              404,
              'MQTT_ENDPOINT_NOT_FOUND',
              `Installation ${installationID} has no MQTT endpoint`,
            );
          }
          for (let attempt = 0; attempt < 3; attempt++) {
            if (this.notReadyAttempts === 0) return this.endpointOf(installationID);
            this.notReadyAttempts--;
          }
          return wrapperError(
            'get mqtt endpoint',
            503,
            'MQTT_ENDPOINT_NOT_READY',
            'The MQTT endpoint is being prepared',
          );
        });
      },
      uninstall: (registrationID, deviceType) => {
        this.calls.push(`uninstall ${owner} ${deviceType}:${registrationID}`);
        if (!['ANDROID', 'IOS', 'MQTT'].includes(deviceType)) {
          return Promise.reject(new Error(`Unsupported deviceType ${deviceType}`));
        }
        return this.request('uninstall push', () => {
          const found = [...this.all.values()].find(
            (i) => i.deviceType === deviceType && i.registrationID === registrationID,
          );
          const refused = this.refused(
            'uninstall push',
            owner,
            found,
            `${deviceType}:${registrationID}`,
          );
          if (refused) return refused;
          this.all.delete(found!.installationID);
          return undefined;
        });
      },
      uninstallByInstallationID: (installationID) => {
        this.calls.push(`uninstallByInstallationID ${owner} ${installationID}`);
        return this.request('uninstall push', () => {
          const refused = this.refused(
            'uninstall push',
            owner,
            this.all.get(installationID),
            installationID,
          );
          if (refused) return refused;
          this.all.delete(installationID);
          return undefined;
        });
      },
    };
  }

  private refused(
    action: string,
    owner: FakeSubscriber,
    installation: FakeInstallation | undefined,
    ref: string,
  ): string | null {
    if (!installation) {
      return wrapperError(
        action,
        404,
        'INSTALLATION_NOT_FOUND',
        `Installation ${ref} was not found`,
      );
    }
    if (installation.owner !== owner) {
      return wrapperError(action, 401, 'UNAUTHORIZED', 'The principal is not authorized');
    }
    return null;
  }
}
