import { EventEmitter } from '@angular/core';
import {
  IMqttMessage,
  IMqttServiceOptions,
  IOnConnectEvent,
  IOnErrorEvent,
  IOnSubackEvent,
  MqttConnectionState,
} from 'ngx-mqtt';
import { BehaviorSubject, Observable, Subject } from 'rxjs';

import { MqttClient, MqttConnectionFactory } from '../app/core/mqtt';

/**
 * An ngx-mqtt `MqttService` stand-in that a spec drives by hand: accept or refuse the CONNECT,
 * grant the SUBSCRIBE, deliver messages, close from the broker's side. Like MQTT.js, it throws
 * when a subscription is dropped after the client was ended.
 */
export class FakeMqttClient implements MqttClient {
  readonly state = new BehaviorSubject<MqttConnectionState>(MqttConnectionState.CLOSED);
  readonly messages = new Subject<IMqttMessage>();
  readonly onConnect = new EventEmitter<IOnConnectEvent>();
  readonly onReconnect = new EventEmitter<void>();
  readonly onClose = new EventEmitter<void>();
  readonly onOffline = new EventEmitter<void>();
  readonly onError = new EventEmitter<IOnErrorEvent>();
  readonly onEnd = new EventEmitter<void>();
  readonly onSuback = new EventEmitter<IOnSubackEvent>();

  /** The options of the last `connect`. */
  options: (IMqttServiceOptions & Record<string, unknown>) | null = null;
  /** Filters observed and not yet released. */
  readonly observed = new Set<string>();
  ended = false;
  private readonly refusals = new Subject<never>();

  connect(options?: IMqttServiceOptions): void {
    this.options = { ...(options as IMqttServiceOptions & Record<string, unknown>) };
    this.state.next(MqttConnectionState.CONNECTING);
  }

  disconnect(): void {
    if (this.ended) return;
    this.ended = true;
    this.close();
  }

  observe(filter: string): Observable<IMqttMessage> {
    return new Observable<IMqttMessage>((subscriber) => {
      this.observed.add(filter);
      const messages = this.messages.subscribe((message) => {
        if (message.topic === filter) subscriber.next(message);
      });
      const refused = this.refusals.subscribe({ error: (error) => subscriber.error(error) });
      return () => {
        messages.unsubscribe();
        refused.unsubscribe();
        this.observed.delete(filter);
        if (this.ended) throw new Error('client disconnecting');
      };
    });
  }

  /** CONNACK 0. */
  accept(): void {
    this.state.next(MqttConnectionState.CONNECTED);
    this.onConnect.emit({ cmd: 'connack' } as unknown as IOnConnectEvent);
  }

  /** SUBACK granting every observed filter. */
  grant(): void {
    for (const filter of this.observed) this.onSuback.emit({ filter, granted: true });
  }

  /** `accept()` then `grant()`. */
  acceptAndGrant(): void {
    this.accept();
    this.grant();
  }

  /** SUBACK 128. */
  refuseSubscription(): void {
    for (const filter of this.observed) this.onSuback.emit({ filter, granted: false });
    this.refusals.error(`subscription rejected`);
  }

  /** CONNACK with a refusal code, then the broker closes the socket. */
  refuse(code: number): void {
    this.onError.emit(Object.assign(new Error(`Connection refused: code ${code}`), { code }));
    this.close();
  }

  /** The WebSocket could not be opened (server down): the browser's error event, no words. */
  unreachable(): void {
    this.onError.emit(new Event('error') as unknown as Error);
    this.close();
  }

  /** The broker closes an accepted connection (takeover, expiry, shutdown). */
  close(): void {
    this.state.next(MqttConnectionState.CLOSED);
    this.onClose.emit();
  }

  /** A PUBLISH to the client's subscribed topic (its client ID). */
  deliver(payload: string | Uint8Array, topic = String(this.options?.['clientId'] ?? '')): void {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.messages.next({
      topic,
      payload: bytes,
      qos: 0,
      retain: false,
      dup: false,
      cmd: 'publish',
    } as IMqttMessage);
  }
}

/** Hands out `FakeMqttClient`s and keeps them for the spec. */
export class FakeMqttFactory implements MqttConnectionFactory {
  readonly clients: FakeMqttClient[] = [];

  create(): Promise<MqttClient> {
    const client = new FakeMqttClient();
    this.clients.push(client);
    return Promise.resolve(client);
  }

  /** The newest client. */
  get latest(): FakeMqttClient {
    const client = this.clients.at(-1);
    if (!client) throw new Error('No MQTT client was created');
    return client;
  }
}
