import { AdminTokens, isStaleTokenRefusal, type KiiAppCredentials } from './admin-tokens';
import { KiiCallError } from './kii-call-error';
import {
  joinUrl,
  kiiFetch,
  sleep,
  stringField,
  type KiiAnswer,
  type KiiHttpOptions,
} from './kii-http';
import {
  installationPathSegment,
  type DeviceType,
  type InstallationRef,
  type KiiInstallation,
} from './installation-ref';
import { KiiTopics } from './kii-topics';
import {
  LocalExtensions,
  type LocalInstallationPage,
  type LocalListQuery,
} from './local-extensions';

export type { KiiAppCredentials } from './admin-tokens';

/** The owner of an installation the admin creates (docs/kii-api.md §5.1, admin token only). */
export type InstallationOwner = { userID: string } | { thingID: string };

/** The MQTT endpoint of an installation (docs/kii-api.md §5.7). */
export interface MqttEndpoint {
  installationID: string;
  username: string;
  password: string;
  mqttTopic: string;
  host: string;
  portTCP: number;
  portSSL: number;
  portWS: number;
  portWSS: number;
  /** Seconds the credentials stay valid (`X-MQTT-TTL`). */
  ttlSeconds: number;
}

/** Where a push goes: an app, user or thing topic, or one user directly (§7.2, §7.3). */
export type PushTarget =
  | { kind: 'app-topic'; topicID: string }
  | { kind: 'user-topic'; userID: string; topicID: string }
  | { kind: 'thing-topic'; thingID: string; topicID: string }
  | { kind: 'user'; userID: string };

/**
 * Retries of `GET .../mqtt-endpoint` while Kii answers 503 (MQTT_ENDPOINT_NOT_READY, or any 503
 * as the SDK does, docs/kii-api.md §5.7). The SDK makes 3 attempts 1 s apart; this policy
 * waits longer in all but starts sooner, so a quick provisioning costs a quarter second.
 */
export interface EndpointRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubled before each next one. */
  initialDelayMs: number;
  /** Cap of one wait. */
  maxDelayMs: number;
}

/** 5 attempts, waits of 250, 500, 1000 and 2000 ms: 3.75 s of waiting at most. */
export const DEFAULT_ENDPOINT_RETRY: EndpointRetryPolicy = {
  attempts: 5,
  initialDelayMs: 250,
  maxDelayMs: 2000,
};

export interface KiiAdminClientOptions extends KiiHttpOptions {
  endpointRetry?: EndpointRetryPolicy;
  /** Injected by specs that must not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The console server's Kii REST client: everything is done as the app admin, with a token
 * fetched from the app's client credentials and cached (see {@link AdminTokens}). Every failure
 * rejects with {@link KiiCallError}.
 */
export class KiiAdminClient {
  readonly tokens: AdminTokens;
  /** Topics and subscriptions of every scope, as the app admin. */
  readonly topics: KiiTopics;
  private readonly extensions: LocalExtensions;
  private readonly retry: EndpointRetryPolicy;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: KiiAdminClientOptions = {}) {
    this.tokens = new AdminTokens(options);
    this.extensions = new LocalExtensions(options, (app, request) => this.asAdmin(app, request));
    this.topics = new KiiTopics((app, request) => this.asAdmin(app, request));
    this.retry = options.endpointRetry ?? DEFAULT_ENDPOINT_RETRY;
    this.wait = options.sleep ?? sleep;
  }

  /** Installs MQTT push for a user or thing; a repeat returns the same IDs (§5.1). */
  async install(
    app: KiiAppCredentials,
    owner: InstallationOwner,
    options: { development?: boolean } = {},
  ): Promise<{ installationID: string; installationRegistrationID: string; created: boolean }> {
    const operation = 'install push';
    const answer = await this.asAdmin(app, {
      operation,
      method: 'POST',
      path: `/apps/${encodeURIComponent(app.appId)}/installations`,
      body: { deviceType: 'MQTT', development: options.development === true, ...owner },
      contentType: 'application/vnd.kii.InstallationCreationRequest+json',
    });
    return {
      installationID: stringField(operation, answer.body, 'installationID'),
      installationRegistrationID: stringField(operation, answer.body, 'installationRegistrationID'),
      // Kii's status for a repeat is UNCONFIRMED (§12.2); the local server answers 200.
      created: answer.status === 201,
    };
  }

  /** The MQTT endpoint, retried while Kii answers 503 (see {@link EndpointRetryPolicy}). */
  async mqttEndpoint(app: KiiAppCredentials, installationID: string): Promise<MqttEndpoint> {
    const operation = 'get mqtt endpoint';
    const path = `/apps/${encodeURIComponent(app.appId)}/installations/${encodeURIComponent(installationID)}/mqtt-endpoint`;
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.asAdmin(app, { operation, method: 'GET', path });
        return endpointFrom(operation, answer);
      } catch (error) {
        if (!(error instanceof KiiCallError) || error.status !== 503) throw error;
        if (attempt >= this.retry.attempts) throw error;
      }
      await this.wait(delay);
      delay = Math.min(delay * 2, this.retry.maxDelayMs);
    }
  }

  /**
   * Registers a thing as the app admin without issuing it a token (docs/kii-api.md §4.5):
   * the console acts on it as the admin, so only its ID is needed.
   */
  async registerThing(
    app: KiiAppCredentials,
    thing: { vendorThingID: string; password: string; thingType?: string },
  ): Promise<{ thingID: string }> {
    const operation = 'register thing';
    const answer = await this.asAdmin(app, {
      operation,
      method: 'POST',
      path: `/apps/${encodeURIComponent(app.appId)}/things`,
      body: {
        _vendorThingID: thing.vendorThingID,
        _password: thing.password,
        ...(thing.thingType ? { _thingType: thing.thingType } : {}),
      },
      contentType: 'application/vnd.kii.ThingRegistrationRequest+json',
    });
    return { thingID: stringField(operation, answer.body, '_thingID') };
  }

  /** Looks an installation up by ID or `deviceType:registrationID` (§5.2, §5.3). */
  async findInstallation(app: KiiAppCredentials, ref: InstallationRef): Promise<KiiInstallation> {
    const operation = 'get installation';
    const answer = await this.asAdmin(app, {
      operation,
      method: 'GET',
      path: `/apps/${encodeURIComponent(app.appId)}/installations/${installationPathSegment(ref)}`,
    });
    const body = answer.body as Record<string, unknown>;
    const installation: KiiInstallation = {
      installationID: stringField(operation, body, 'installationID'),
      installationRegistrationID: stringField(operation, body, 'installationRegistrationID'),
      deviceType: stringField(operation, body, 'deviceType'),
      development: body['development'] === true,
    };
    if (typeof body['userID'] === 'string') installation.userID = body['userID'];
    if (typeof body['thingID'] === 'string') installation.thingID = body['thingID'];
    return installation;
  }

  /**
   * Uninstalls by ID or `deviceType:registrationID` (§5.4, §5.5); 404 rejects. Resolves with
   * Kii's status (204), which a bulk run's audit row keeps per item.
   */
  async uninstall(app: KiiAppCredentials, ref: InstallationRef): Promise<number> {
    const answer = await this.asAdmin(app, {
      operation: 'uninstall push',
      method: 'DELETE',
      path: `/apps/${encodeURIComponent(app.appId)}/installations/${installationPathSegment(ref)}`,
    });
    return answer.status;
  }

  /** Sends a push message (§7.2, §7.3); `message` is Kii's send body as the console built it. */
  async sendPush(
    app: KiiAppCredentials,
    target: PushTarget,
    message: Record<string, unknown>,
  ): Promise<{ pushMessageID?: string }> {
    const appPath = `/apps/${encodeURIComponent(app.appId)}`;
    const path =
      target.kind === 'app-topic'
        ? `${appPath}/topics/${encodeURIComponent(target.topicID)}/push/messages`
        : target.kind === 'user-topic'
          ? `${appPath}/users/${encodeURIComponent(target.userID)}/topics/${encodeURIComponent(target.topicID)}/push/messages`
          : target.kind === 'thing-topic'
            ? `${appPath}/things/${encodeURIComponent(target.thingID)}/topics/${encodeURIComponent(target.topicID)}/push/messages`
            : `${appPath}/users/${encodeURIComponent(target.userID)}/push/messages`;
    const answer = await this.asAdmin(app, {
      operation: 'send messages',
      method: 'POST',
      path,
      body: message,
      contentType: 'application/vnd.kii.SendPushMessageRequest+json',
    });
    // The body `{pushMessageID}` is UNCONFIRMED for Kii Cloud (§12.5): optional here.
    const id = (answer.body as { pushMessageID?: unknown } | undefined)?.pushMessageID;
    return typeof id === 'string' ? { pushMessageID: id } : {};
  }

  /** The `x-local` extensions the app's server offers; empty for Kii Cloud (§5.6). */
  localExtensions(app: KiiAppCredentials): Promise<readonly string[]> {
    return this.extensions.available(app);
  }

  /**
   * One page of the local server's installation listing (§5.6). Rejects with
   * EXTENSION_NOT_AVAILABLE when the server has none (Kii Cloud): use the registry instead.
   */
  listInstallations(
    app: KiiAppCredentials,
    query: LocalListQuery = {},
  ): Promise<LocalInstallationPage> {
    return this.extensions.listInstallations(app, query);
  }

  /** Drops the app's cached token and extension probe (credentials changed or app removed). */
  forget(appId: string): void {
    this.tokens.forget(appId);
    this.extensions.clear();
  }

  /**
   * A call with the app admin token. A refusal that says the token went stale (a revoked or
   * expired token, a server restarted with another secret) fetches one new token and retries
   * once; a second refusal is final.
   */
  private async asAdmin(app: KiiAppCredentials, request: AdminRequest): Promise<KiiAnswer> {
    const send = async (token: string) =>
      kiiFetch(
        {
          operation: request.operation,
          method: request.method,
          url: joinUrl(app.baseUrl, request.path),
          headers: {
            'x-kii-appid': app.appId,
            'x-kii-appkey': app.appKey,
            authorization: `Bearer ${token}`,
          },
          body: request.body,
          contentType: request.contentType,
          secrets: [token, app.clientSecret],
        },
        this.options,
      );
    const token = await this.tokens.get(app);
    try {
      return await send(token);
    } catch (error) {
      if (!isStaleTokenRefusal(error)) throw error;
      await this.tokens.invalidate(app, token);
      return send(await this.tokens.get(app));
    }
  }
}

/** A request below the site base URL, made as the app admin. */
export interface AdminRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below the base URL, starting with `/`. */
  path: string;
  body?: unknown;
  contentType?: string;
}

function endpointFrom(operation: string, answer: KiiAnswer): MqttEndpoint {
  const body = answer.body as Record<string, unknown>;
  const port = (field: string) => {
    const value = body[field];
    if (!Number.isInteger(value))
      throw new KiiCallError(operation, 200, 'INVALID_RESPONSE', `${operation}: no ${field}`);
    return value as number;
  };
  const ttl = Number(answer.headers['x-mqtt-ttl'] ?? body['X-MQTT-TTL']);
  return {
    installationID: stringField(operation, body, 'installationID'),
    username: stringField(operation, body, 'username'),
    password: stringField(operation, body, 'password'),
    mqttTopic: stringField(operation, body, 'mqttTopic'),
    host: stringField(operation, body, 'host'),
    portTCP: port('portTCP'),
    portSSL: port('portSSL'),
    portWS: port('portWS'),
    portWSS: port('portWSS'),
    ttlSeconds: Number.isFinite(ttl) ? ttl : 2147483647,
  };
}

export type { DeviceType, InstallationRef, KiiInstallation };
