import { randomBytes } from 'node:crypto';
import type { BrokerOrigins } from '../apps/broker-origins';
import type { KiiAppCredentials } from '../kii/admin-tokens';
import type { KiiAdminClient, MqttEndpoint } from '../kii/kii-admin-client';
import { KiiCallError } from '../kii/kii-call-error';
import type { MonitorThing, MonitorThings } from './monitor-things';

/** An endpoint as the browser gets it for a monitor (docs/team-api.md, "Monitors"). */
export interface MonitorEndpoint {
  host: string;
  portWS: number;
  portWSS: number;
  username: string;
  password: string;
  mqttTopic: string;
  /** Kii's X-MQTT-TTL, seconds. */
  ttl: number;
  /** When the credentials stop working, epoch ms (from when the server received them). */
  expiresAt: number;
}

export function monitorEndpoint(endpoint: MqttEndpoint, receivedAt: number): MonitorEndpoint {
  return {
    host: endpoint.host,
    portWS: endpoint.portWS,
    portWSS: endpoint.portWSS,
    username: endpoint.username,
    password: endpoint.password,
    mqttTopic: endpoint.mqttTopic,
    ttl: endpoint.ttlSeconds,
    expiresAt: receivedAt + endpoint.ttlSeconds * 1000,
  };
}

/** Marks the things this server registers, so an operator can tell them from devices. */
export const MONITOR_VENDOR_PREFIX = 'kpc-monitor-';
export const MONITOR_THING_TYPE = 'kpc-monitor';

/**
 * Keeps the console server's monitor things (one per app and person): registers one the first
 * time, gives it an MQTT installation (Kii answers the same one again on a repeat, §5.1), and
 * registers a fresh one when Kii no longer knows the stored thing (a reset local server). Calls
 * for the same app and person run one after the other, so a double click registers one thing.
 */
export class MonitorKeeper {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly kii: KiiAdminClient,
    private readonly things: MonitorThings,
    private readonly brokers: BrokerOrigins,
    private readonly now: () => number = Date.now,
  ) {}

  /** The person's monitor thing of the app, registered and installed. */
  ready(app: KiiAppCredentials, person: string): Promise<Required<MonitorThing>> {
    return this.serial(`${app.appId}\n${person}`, () => this.prepare(app, person));
  }

  /**
   * The MQTT endpoint of an installation, its broker origins recorded for the CSP before the
   * browser gets it.
   */
  async endpoint(app: KiiAppCredentials, installationID: string): Promise<MonitorEndpoint> {
    const endpoint = await this.kii.mqttEndpoint(app, installationID);
    this.brokers.record(app.appId, endpoint);
    return monitorEndpoint(endpoint, this.now());
  }

  /**
   * Learns the app's broker origins for the CSP by preparing the person's monitor thing and
   * fetching its endpoint, so pages load with the right connect-src before anyone monitors.
   * Never throws: a failure is reported for the audit row (the app works without it, and
   * the first monitor records the origins then).
   */
  async learnBrokers(
    app: KiiAppCredentials,
    person: string,
  ): Promise<{ brokerOrigins: string[] } | { brokerOriginsError: string }> {
    try {
      const thing = await this.ready(app, person);
      await this.endpoint(app, thing.installationID);
      return { brokerOrigins: this.brokers.of(app.appId) };
    } catch (error) {
      const code = error instanceof KiiCallError ? error.errorCode : 'INTERNAL';
      return { brokerOriginsError: code };
    }
  }

  private async prepare(app: KiiAppCredentials, person: string) {
    const known = this.things.find(app.appId, person);
    const thing = known ?? (await this.register(app, person));
    try {
      return await this.install(app, thing);
    } catch (error) {
      // The stored thing is gone at Kii (THING_NOT_FOUND): register another one.
      if (!known || !(error instanceof KiiCallError) || error.status !== 404) throw error;
      return this.install(app, await this.register(app, person));
    }
  }

  private async register(app: KiiAppCredentials, person: string): Promise<MonitorThing> {
    const vendorThingID = `${MONITOR_VENDOR_PREFIX}${randomBytes(12).toString('base64url')}`;
    // Kii registers no thing without a password; nobody signs in with it, but it is kept sealed.
    const password = randomBytes(24).toString('base64url');
    const { thingID } = await this.kii.registerThing(app, {
      vendorThingID,
      password,
      thingType: MONITOR_THING_TYPE,
    });
    const thing = { appId: app.appId, person, thingID, vendorThingID, createdAt: this.now() };
    this.things.save(thing, password);
    return thing;
  }

  private async install(app: KiiAppCredentials, thing: MonitorThing) {
    const { installationID } = await this.kii.install(app, { thingID: thing.thingID });
    if (installationID !== thing.installationID)
      this.things.setInstallation(app.appId, thing.person, installationID);
    return { ...thing, installationID };
  }

  private serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.running.get(key) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(task);
    this.running.set(key, run);
    const clear = () => {
      if (this.running.get(key) === run) this.running.delete(key);
    };
    run.then(clear, clear);
    return run;
  }
}
