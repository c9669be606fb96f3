import { Signal, signal } from '@angular/core';
import { Observable, Subscription } from 'rxjs';

import { KiiError, toKiiError } from '../../core/kii-error';
import { MqttClient, MqttConnectionFactory } from '../../core/mqtt';
import {
  MqttEndpoint,
  brokerUrl,
  endpointExpiresAt,
  sameCredentials,
} from '../../core/kii/mqtt-endpoint';
import { LiveClock } from '../live-clock';
import { LinkText } from './link-text';
import { connectOptions } from './connect-options';
import {
  Backoff,
  BackoffOptions,
  StormGuard,
  StormGuardOptions,
  refreshDelayMs,
} from './reconnect-policy';

/** Where a monitor's connection stands. */
export type LinkState =
  'preparing' | 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'failed';

/** One line of the connection timeline. */
export interface TimelineEntry {
  /** Epoch ms. */
  readonly at: number;
  readonly event: LinkState | 'closed' | 'refreshing';
  readonly detail: string;
}

/** Why a monitor stopped by itself. */
export type LinkFailure = 'storm' | 'refused' | 'endpoint' | 'subscribe';

export interface LinkError {
  readonly reason: LinkFailure;
  readonly message: string;
  /** The server's own words or error code, when there are any. */
  readonly detail?: string;
  /** The REST failure behind it, for an endpoint that could not be fetched. */
  readonly cause?: KiiError;
}

export interface LinkOptions {
  readonly keepAliveSeconds: number;
  /** The console came over https: use WSS. */
  readonly secure: boolean;
  readonly backoff?: BackoffOptions;
  readonly storm?: StormGuardOptions;
}

export interface LinkDeps {
  readonly factory: MqttConnectionFactory;
  readonly clock: LiveClock;
  readonly text: LinkText;
  /** Fetches a fresh endpoint (installation, monitor thing or tap) on each subscription. */
  readonly endpoint$: () => Observable<MqttEndpoint>;
  /** Called for every PUBLISH, outside Angular's change detection. */
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
}

const TIMELINE_LENGTH = 100;
/** A refresh that failed is tried again after this long (while the old endpoint still works). */
const REFRESH_RETRY_MS = 5000;
/** Past a same-credentials answer, ask again this long after the old TTL ran out. */
const PAST_EXPIRY_MS = 500;

/** One connection attempt with its own ngx-mqtt client. */
class Attempt {
  client: MqttClient | null = null;
  connectedAt: number | null = null;
  /** The CONNACK return code of a refused CONNECT. */
  refusedCode: number | null = null;
  /**
   * An error came without a CONNACK code: the WebSocket failed (the browser says no more
   * than that). A close with neither means the broker took the connection and closed it
   * unanswered, so it was reachable.
   */
  socketError = false;
  lastError = '';
  startedAt = 0;
  retired = false;
  closed = false;
  readonly subscriptions = new Subscription();
  messages: Subscription | null = null;

  constructor(readonly endpoint: MqttEndpoint) {}
}

/**
 * One monitor's MQTT connection: fetches the endpoint, connects through ngx-mqtt, subscribes
 * to the endpoint's topic, reconnects with jittered backoff, stops on a reconnect storm, and
 * switches to a fresh endpoint before the TTL runs out (new connection first, then the old one
 * closes). State and timeline are signals; messages go to `onMessage` untouched.
 */
export class MonitorLink {
  private readonly stateSignal = signal<LinkState>('stopped');
  private readonly timelineSignal = signal<readonly TimelineEntry[]>([]);
  private readonly errorSignal = signal<LinkError | null>(null);
  private readonly reconnectAtSignal = signal<number | null>(null);
  private readonly clientIdSignal = signal('');

  readonly state: Signal<LinkState> = this.stateSignal.asReadonly();
  readonly timeline: Signal<readonly TimelineEntry[]> = this.timelineSignal.asReadonly();
  readonly error: Signal<LinkError | null> = this.errorSignal.asReadonly();
  /** When the next attempt starts, while reconnecting. */
  readonly reconnectAt: Signal<number | null> = this.reconnectAtSignal.asReadonly();
  /** The MQTT client ID (the endpoint's mqttTopic) in use. */
  readonly clientId: Signal<string> = this.clientIdSignal.asReadonly();

  private readonly backoff: Backoff;
  private readonly storm: StormGuard;
  private endpoint: MqttEndpoint | null = null;
  private current: Attempt | null = null;
  private next: Attempt | null = null;
  private needsEndpoint = true;
  private everConnected = false;
  private refusals = 0;
  private fetching: Subscription | null = null;
  private cancelReconnect: (() => void) | null = null;
  private cancelRefresh: (() => void) | null = null;
  private ready: { resolve: () => void; reject: (error: LinkError) => void } | null = null;

  constructor(
    private readonly deps: LinkDeps,
    private readonly options: LinkOptions,
  ) {
    this.backoff = new Backoff(() => deps.clock.random(), options.backoff);
    this.storm = new StormGuard(options.storm);
  }

  /**
   * Starts (or restarts) the connection. Resolves once subscribed; rejects when the first
   * connection cannot be made (later losses reconnect by themselves).
   */
  start(): Promise<void> {
    this.halt();
    this.backoff.reset();
    this.storm.reset();
    this.refusals = 0;
    this.everConnected = false;
    this.needsEndpoint = true;
    this.errorSignal.set(null);
    const ready = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    this.fetchAndOpen();
    return ready;
  }

  /** Closes the connection for good (until `start()` again). */
  stop(): void {
    if (this.stateSignal() === 'stopped') return;
    this.halt();
    this.record('stopped', this.deps.text.stopped());
    this.settle({ reason: 'endpoint', message: this.deps.text.stopped() });
  }

  /** Skips the backoff wait; restarts a stopped or failed monitor. */
  reconnectNow(): void {
    const state = this.stateSignal();
    if (state === 'reconnecting') {
      this.cancelReconnect?.();
      this.cancelReconnect = null;
      this.reconnect();
    } else if (state === 'stopped' || state === 'failed') {
      this.start().catch(() => undefined);
    }
  }

  private fetchAndOpen(): void {
    this.record('preparing', this.deps.text.fetchingEndpoint());
    this.fetching?.unsubscribe();
    this.fetching = this.deps.endpoint$().subscribe({
      next: (endpoint) => {
        this.needsEndpoint = false;
        this.adopt(endpoint);
        this.open(endpoint, false);
      },
      error: (raw: unknown) => this.endpointFailed(toKiiError(raw)),
    });
  }

  private endpointFailed(error: KiiError): void {
    const retryable = ['network', 'server', 'not-ready'].includes(error.kind);
    // Watched until now and the installation is no more: it was uninstalled meanwhile.
    const gone = this.everConnected && error.errorCode === 'INSTALLATION_NOT_FOUND';
    // While first starting the operator is waiting for an answer: say what failed at once.
    if (!retryable || !this.everConnected) {
      this.fail({
        reason: 'endpoint',
        message: gone
          ? this.deps.text.installationGone()
          : this.deps.text.endpointFailed(error.message),
        detail: detailOf(error),
        cause: error,
      });
      return;
    }
    this.record('closed', this.deps.text.endpointFailed(error.message));
    this.scheduleReconnect();
  }

  private adopt(endpoint: MqttEndpoint): void {
    this.endpoint = endpoint;
    this.clientIdSignal.set(endpoint.mqttTopic);
    this.scheduleRefresh(refreshDelayMs(endpoint.ttlSeconds));
  }

  private open(endpoint: MqttEndpoint, handover: boolean): void {
    const attempt = new Attempt(endpoint);
    if (handover) {
      this.next = attempt;
    } else {
      this.current = attempt;
      const url = brokerUrl(endpoint, this.options.secure);
      this.record('connecting', this.deps.text.connecting(url, endpoint.mqttTopic));
    }
    this.deps.factory.create().then(
      (client) => this.connect(attempt, client),
      (error: unknown) => this.fail({ reason: 'endpoint', message: String(error) }),
    );
  }

  private connect(attempt: Attempt, client: MqttClient): void {
    if (attempt.retired) return;
    attempt.client = client;
    attempt.subscriptions.add(client.onConnect.subscribe(() => this.connected(attempt)));
    attempt.subscriptions.add(
      client.onError.subscribe((error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'number') attempt.refusedCode = code;
        else attempt.socketError = true;
        attempt.lastError = errorText(error);
      }),
    );
    attempt.subscriptions.add(
      client.onSuback.subscribe((suback) => suback.granted && this.subscribed(attempt)),
    );
    attempt.subscriptions.add(client.onClose.subscribe(() => this.closed(attempt)));
    attempt.startedAt = this.deps.clock.now();
    client.connect(
      connectOptions(attempt.endpoint, this.options.secure, this.options.keepAliveSeconds),
    );
  }

  private connected(attempt: Attempt): void {
    if (attempt.retired || attempt.connectedAt !== null) return;
    attempt.connectedAt = this.deps.clock.now();
    const topic = attempt.endpoint.mqttTopic;
    attempt.messages = attempt.client!.observe(topic, { qos: 0 }).subscribe({
      next: (message) => {
        if (!attempt.retired) this.deps.onMessage(message.topic, message.payload);
      },
      error: () => {
        if (attempt.retired) return;
        this.fail({ reason: 'subscribe', message: this.deps.text.subscriptionRefused(topic) });
      },
    });
  }

  private subscribed(attempt: Attempt): void {
    if (attempt.retired) return;
    if (attempt === this.next) {
      const previous = this.current;
      this.current = attempt;
      this.next = null;
      this.endpoint = attempt.endpoint;
      this.clientIdSignal.set(attempt.endpoint.mqttTopic);
      if (previous) this.retire(previous);
      this.record('connected', this.deps.text.switched(attempt.endpoint.mqttTopic));
    } else if (attempt === this.current) {
      const url = brokerUrl(attempt.endpoint, this.options.secure);
      this.record('connected', this.deps.text.connected(url, attempt.endpoint.mqttTopic));
    } else {
      return;
    }
    this.refusals = 0;
    this.everConnected = true;
    this.settle(null);
  }

  private closed(attempt: Attempt): void {
    if (attempt.closed) return;
    attempt.closed = true;
    this.dispose(attempt);
    if (attempt.retired) return;
    const text = this.deps.text;
    if (attempt === this.next) {
      // The handover failed; the current connection still works until its TTL runs out.
      this.next = null;
      this.record('refreshing', text.refreshFailed(attempt.lastError));
      this.scheduleRefresh(REFRESH_RETRY_MS);
      return;
    }
    if (attempt !== this.current) return;
    this.current = null;
    const now = this.deps.clock.now();
    const expired = this.endpoint !== null && now >= endpointExpiresAt(this.endpoint) - 1000;
    if (attempt.connectedAt !== null) {
      const lived = now - attempt.connectedAt;
      this.backoff.sessionEnded(lived);
      if (expired) {
        this.needsEndpoint = true;
        this.record('closed', text.expired());
        this.reconnect();
        return;
      }
      if (this.storm.sessionEnded(lived, now)) {
        this.fail({ reason: 'storm', message: text.storm(attempt.endpoint.mqttTopic) });
        return;
      }
      this.record('closed', text.closedByBroker(lived, attempt.lastError));
    } else if (this.closedUnanswered(attempt, now)) {
      // The broker was reached and dropped the CONNECT without a CONNACK (or MQTT.js lost the
      // CONNACK with the close): on these credentials that means they are no longer valid.
      this.record('closed', text.closedBeforeAccepting());
      this.needsEndpoint = true;
    } else {
      const code = attempt.refusedCode;
      this.record('closed', text.connectFailed(code, attempt.lastError));
      if (code === 2 || code === 4 || code === 5) {
        // Stale credentials are refused like wrong ones: fetch the endpoint once more first.
        if (++this.refusals >= 2) {
          this.fail({ reason: 'refused', message: text.refused(code), detail: attempt.lastError });
          return;
        }
        this.needsEndpoint = true;
      } else if (expired) {
        this.needsEndpoint = true;
      }
    }
    this.scheduleReconnect();
  }

  /** Closed before a CONNACK with no error, no refusal code and before the connect timeout. */
  private closedUnanswered(attempt: Attempt, now: number): boolean {
    if (attempt.refusedCode !== null || attempt.socketError) return false;
    const { connectTimeout } = connectOptions(
      attempt.endpoint,
      this.options.secure,
      this.options.keepAliveSeconds,
    );
    // MQTT.js gives up silently after connectTimeout: then nothing answered at all.
    return now - attempt.startedAt < connectTimeout;
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.nextDelay();
    this.reconnectAtSignal.set(this.deps.clock.now() + delay);
    this.record('reconnecting', this.deps.text.reconnecting(delay, this.backoff.attempt));
    this.cancelReconnect = this.deps.clock.setTimeout(() => {
      this.cancelReconnect = null;
      this.reconnect();
    }, delay);
  }

  private reconnect(): void {
    this.reconnectAtSignal.set(null);
    if (this.needsEndpoint || !this.endpoint) this.fetchAndOpen();
    else this.open(this.endpoint, false);
  }

  private scheduleRefresh(delay: number | null): void {
    this.cancelRefresh?.();
    this.cancelRefresh =
      delay === null ? null : this.deps.clock.setTimeout(() => this.refresh(), delay);
  }

  private refresh(): void {
    this.cancelRefresh = null;
    const old = this.endpoint;
    if (this.stateSignal() !== 'connected' || !old || this.next) {
      // Not connected now: the next attempt fetches a new endpoint anyway.
      this.needsEndpoint = true;
      return;
    }
    this.record('refreshing', this.deps.text.refreshing());
    this.fetching?.unsubscribe();
    this.fetching = this.deps.endpoint$().subscribe({
      next: (endpoint) => {
        if (sameCredentials(endpoint, old)) {
          // The server renews credentials only once they expire: ask again just after that.
          this.scheduleRefresh(
            Math.max(0, endpointExpiresAt(old) - this.deps.clock.now()) + PAST_EXPIRY_MS,
          );
          return;
        }
        this.scheduleRefresh(refreshDelayMs(endpoint.ttlSeconds));
        this.open(endpoint, true);
      },
      error: (raw: unknown) => {
        this.record('refreshing', this.deps.text.refreshFailed(toKiiError(raw).message));
        this.scheduleRefresh(REFRESH_RETRY_MS);
      },
    });
  }

  private fail(error: LinkError): void {
    this.halt();
    this.errorSignal.set(error);
    this.record('failed', error.message);
    this.settle(error);
  }

  /** Ends every timer, request and connection without recording anything. */
  private halt(): void {
    this.fetching?.unsubscribe();
    this.fetching = null;
    this.cancelReconnect?.();
    this.cancelReconnect = null;
    this.scheduleRefresh(null);
    this.reconnectAtSignal.set(null);
    for (const attempt of [this.current, this.next]) if (attempt) this.retire(attempt);
    this.current = this.next = null;
  }

  private retire(attempt: Attempt): void {
    attempt.retired = true;
    this.dispose(attempt);
    try {
      attempt.client?.disconnect(true);
    } catch {
      // Never connected, or already ended: nothing to close.
    }
  }

  private dispose(attempt: Attempt): void {
    // ngx-mqtt unsubscribes from the broker when the last observer leaves, which MQTT.js
    // refuses (throws) once the client is disconnecting: leave before ending the client.
    try {
      attempt.messages?.unsubscribe();
    } catch {
      // The client is already closed.
    }
    attempt.messages = null;
    attempt.subscriptions.unsubscribe();
  }

  private settle(error: LinkError | null): void {
    const ready = this.ready;
    this.ready = null;
    if (error) ready?.reject(error);
    else ready?.resolve();
  }

  private record(event: TimelineEntry['event'], detail: string): void {
    if (event !== 'closed' && event !== 'refreshing') this.stateSignal.set(event);
    const entry: TimelineEntry = { at: this.deps.clock.now(), event, detail };
    this.timelineSignal.update((entries) => [...entries.slice(-(TIMELINE_LENGTH - 1)), entry]);
  }
}

/** The words of an MQTT.js error; a browser WebSocket error event carries none. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

function detailOf(error: KiiError): string | undefined {
  return [error.errorCode, error.detail].filter(Boolean).join(': ') || undefined;
}
