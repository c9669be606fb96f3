import { Signal, signal } from '@angular/core';
import { Observable } from 'rxjs';

import { KiiError } from '../../core/kii-error';
import { MqttConnectionFactory } from '../../core/mqtt';
import { MqttEndpoint, brokerUrl } from '../../core/kii/mqtt-endpoint';
import { LiveClock } from '../live-clock';
import { EndpointLease } from './endpoint-lease';
import { LinkText } from './link-text';
import { ConnectionEvents, MqttConnection } from './mqtt-connection';
import { Backoff, BackoffOptions, StormGuard, StormGuardOptions } from './reconnect-policy';

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

/**
 * One monitor's MQTT link: holds the endpoint lease (`EndpointLease`) and one connection at a
 * time (`MqttConnection`, two during a handover), reconnects with jittered backoff, stops on a
 * reconnect storm, and moves to fresh credentials before the TTL runs out (new connection
 * first, then the old one closes). State and timeline are signals; messages go to `onMessage`
 * untouched.
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
  private readonly lease: EndpointLease;
  private current: MqttConnection | null = null;
  private next: MqttConnection | null = null;
  private everConnected = false;
  private refusals = 0;
  private cancelReconnect: (() => void) | null = null;
  private ready: { resolve: () => void; reject: (error: LinkError) => void } | null = null;

  constructor(
    private readonly deps: LinkDeps,
    private readonly options: LinkOptions,
  ) {
    this.backoff = new Backoff(() => deps.clock.random(), options.backoff);
    this.storm = new StormGuard(options.storm);
    this.lease = new EndpointLease(deps.endpoint$, deps.clock, {
      canHandOver: () => this.stateSignal() === 'connected' && this.next === null,
      renewing: () => this.record('refreshing', deps.text.refreshing()),
      renewed: (endpoint) => {
        // Connect with the fresh credentials beside the current connection.
        this.next = this.connection(endpoint);
        this.next.open(deps.factory);
      },
      renewalFailed: (error) => this.record('refreshing', deps.text.refreshFailed(error.message)),
    });
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
    this.lease.markStale();
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

  /** What every connection reports to this link (nothing once it is retired). */
  private readonly events: ConnectionEvents = {
    unavailable: (_connection, error) => this.fail({ reason: 'endpoint', message: String(error) }),
    message: (topic, payload) => this.deps.onMessage(topic, payload),
    subscriptionRefused: (connection) => {
      const topic = connection.endpoint.mqttTopic;
      this.fail({ reason: 'subscribe', message: this.deps.text.subscriptionRefused(topic) });
    },
    subscribed: (connection) => this.subscribed(connection),
    closed: (connection) => this.closed(connection),
  };

  /** The broker granted the topic; a handover completes here. */
  private subscribed(connection: MqttConnection): void {
    const { endpoint } = connection;
    if (connection === this.next) {
      const previous = this.current;
      this.current = connection;
      this.next = null;
      this.lease.handedOver(endpoint);
      this.clientIdSignal.set(endpoint.mqttTopic);
      previous?.retire();
      this.record('connected', this.deps.text.switched(endpoint.mqttTopic));
    } else if (connection === this.current) {
      const url = brokerUrl(endpoint, this.options.secure);
      this.record('connected', this.deps.text.connected(url, endpoint.mqttTopic));
    } else {
      return;
    }
    this.refusals = 0;
    this.everConnected = true;
    this.settle(null);
  }

  /** Says why a connection ended and decides what comes next. */
  private closed(connection: MqttConnection): void {
    const text = this.deps.text;
    if (connection === this.next) {
      // The handover failed; the current connection still works until its TTL runs out.
      this.next = null;
      this.record('refreshing', text.refreshFailed(connection.lastError));
      this.lease.handoverFailed();
      return;
    }
    if (connection !== this.current) return;
    this.current = null;
    const now = this.deps.clock.now();
    const expired = this.lease.expired(now);
    if (connection.connectedAt !== null) {
      const lived = now - connection.connectedAt;
      this.backoff.sessionEnded(lived);
      if (expired) {
        this.lease.markStale();
        this.record('closed', text.expired());
        this.reconnect();
        return;
      }
      if (this.storm.sessionEnded(lived, now)) {
        this.fail({ reason: 'storm', message: text.storm(connection.endpoint.mqttTopic) });
        return;
      }
      this.record('closed', text.closedByBroker(lived, connection.lastError));
    } else if (connection.closedUnanswered(now)) {
      // The broker was reached and dropped the CONNECT without a CONNACK (or MQTT.js lost the
      // CONNACK with the close): on these credentials that means they are no longer valid.
      this.record('closed', text.closedBeforeAccepting());
      this.lease.markStale();
    } else {
      const code = connection.refusedCode;
      this.record('closed', text.connectFailed(code, connection.lastError));
      if (code === 2 || code === 4 || code === 5) {
        // Stale credentials are refused like wrong ones: fetch the endpoint once more first.
        if (++this.refusals >= 2) {
          const error = { reason: 'refused', message: text.refused(code) } as const;
          this.fail({ ...error, detail: connection.lastError });
          return;
        }
        this.lease.markStale();
      } else if (expired) {
        this.lease.markStale();
      }
    }
    this.scheduleReconnect();
  }

  private fetchAndOpen(): void {
    this.record('preparing', this.deps.text.fetchingEndpoint());
    this.lease.acquire(
      (endpoint) => {
        this.clientIdSignal.set(endpoint.mqttTopic);
        this.open(endpoint);
      },
      (error) => this.endpointFailed(error),
    );
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

  private open(endpoint: MqttEndpoint): void {
    this.current = this.connection(endpoint);
    const url = brokerUrl(endpoint, this.options.secure);
    this.record('connecting', this.deps.text.connecting(url, endpoint.mqttTopic));
    this.current.open(this.deps.factory);
  }

  private connection(endpoint: MqttEndpoint): MqttConnection {
    const { keepAliveSeconds, secure } = this.options;
    return new MqttConnection(endpoint, { keepAliveSeconds, secure }, this.deps.clock, this.events);
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
    const endpoint = this.lease.current;
    if (this.lease.needsFetch || !endpoint) this.fetchAndOpen();
    else this.open(endpoint);
  }

  private fail(error: LinkError): void {
    this.halt();
    this.errorSignal.set(error);
    this.record('failed', error.message);
    this.settle(error);
  }

  /** Ends every timer, request and connection without recording anything. */
  private halt(): void {
    this.lease.release();
    this.cancelReconnect?.();
    this.cancelReconnect = null;
    this.reconnectAtSignal.set(null);
    this.current?.retire();
    this.next?.retire();
    this.current = this.next = null;
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

function detailOf(error: KiiError): string | undefined {
  return [error.errorCode, error.detail].filter(Boolean).join(': ') || undefined;
}
