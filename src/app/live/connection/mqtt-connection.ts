import { Subscription } from 'rxjs';

import { MqttClient, MqttConnectionFactory } from '../../core/mqtt';
import { MqttEndpoint } from '../../core/kii/mqtt-endpoint';
import { LiveClock } from '../live-clock';
import { connectOptions } from './connect-options';

/** How a connection connects. */
export interface ConnectionOptions {
  readonly keepAliveSeconds: number;
  /** The console came over https: use WSS. */
  readonly secure: boolean;
}

/** What a connection tells its link; nothing is called once it is retired. */
export interface ConnectionEvents {
  /** The client could not be made (ngx-mqtt failed to load). */
  unavailable(connection: MqttConnection, error: unknown): void;
  /** The broker granted the subscription to the endpoint's topic. */
  subscribed(connection: MqttConnection): void;
  /** The broker refused the subscription. */
  subscriptionRefused(connection: MqttConnection): void;
  /** The connection ended (once), whether or not it was ever accepted. */
  closed(connection: MqttConnection): void;
  /** A PUBLISH on the topic, outside Angular's change detection. */
  message(topic: string, payload: Uint8Array): void;
}

/**
 * One connection attempt with its own ngx-mqtt client: connects with the endpoint's
 * credentials, subscribes to its topic once accepted, and remembers how it ended (the CONNACK
 * code, a socket error, when it was accepted) so the link can say why and decide what next.
 */
export class MqttConnection {
  /** When the broker accepted the CONNECT (epoch ms), or null. */
  connectedAt: number | null = null;
  /** The CONNACK return code of a refused CONNECT. */
  refusedCode: number | null = null;
  /** The last error's words (MQTT.js's; a browser WebSocket error has none). */
  lastError = '';
  /**
   * An error came without a CONNACK code: the WebSocket failed (the browser says no more
   * than that). A close with neither means the broker took the connection and closed it
   * unanswered, so it was reachable.
   */
  private socketError = false;
  private startedAt = 0;
  private retiredFlag = false;
  private closedFlag = false;
  private client: MqttClient | null = null;
  private readonly subscriptions = new Subscription();
  private messages: Subscription | null = null;

  constructor(
    readonly endpoint: MqttEndpoint,
    private readonly options: ConnectionOptions,
    private readonly clock: LiveClock,
    private readonly events: ConnectionEvents,
  ) {}

  /** Let go of by its link: it reports nothing more. */
  get retired(): boolean {
    return this.retiredFlag;
  }

  /** Makes the client and connects. */
  open(factory: MqttConnectionFactory): void {
    factory.create().then(
      (client) => this.connect(client),
      (error: unknown) => this.retiredFlag || this.events.unavailable(this, error),
    );
  }

  /** Closed before a CONNACK with no error, no refusal code and before the connect timeout. */
  closedUnanswered(now: number): boolean {
    if (this.refusedCode !== null || this.socketError) return false;
    // MQTT.js gives up silently after connectTimeout: then nothing answered at all.
    return now - this.startedAt < this.connectOptions().connectTimeout;
  }

  /** Ends the client; nothing is reported from now on. */
  retire(): void {
    this.retiredFlag = true;
    this.dispose();
    try {
      this.client?.disconnect(true);
    } catch {
      // Never connected, or already ended: nothing to close.
    }
  }

  private connectOptions() {
    return connectOptions(this.endpoint, this.options.secure, this.options.keepAliveSeconds);
  }

  private connect(client: MqttClient): void {
    if (this.retiredFlag) return;
    this.client = client;
    this.subscriptions.add(client.onConnect.subscribe(() => this.accepted(client)));
    this.subscriptions.add(
      client.onError.subscribe((error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'number') this.refusedCode = code;
        else this.socketError = true;
        this.lastError = errorText(error);
      }),
    );
    this.subscriptions.add(
      client.onSuback.subscribe(
        (suback) => suback.granted && !this.retiredFlag && this.events.subscribed(this),
      ),
    );
    this.subscriptions.add(client.onClose.subscribe(() => this.closed()));
    this.startedAt = this.clock.now();
    client.connect(this.connectOptions());
  }

  private accepted(client: MqttClient): void {
    if (this.retiredFlag || this.connectedAt !== null) return;
    this.connectedAt = this.clock.now();
    this.messages = client.observe(this.endpoint.mqttTopic, { qos: 0 }).subscribe({
      next: (message) => {
        if (!this.retiredFlag) this.events.message(message.topic, message.payload);
      },
      error: () => this.retiredFlag || this.events.subscriptionRefused(this),
    });
  }

  private closed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.dispose();
    if (!this.retiredFlag) this.events.closed(this);
  }

  private dispose(): void {
    // ngx-mqtt unsubscribes from the broker when the last observer leaves, which MQTT.js
    // refuses (throws) once the client is disconnecting: leave before ending the client.
    try {
      this.messages?.unsubscribe();
    } catch {
      // The client is already closed.
    }
    this.messages = null;
    this.subscriptions.unsubscribe();
  }
}

/** The words of an MQTT.js error; a browser WebSocket error event carries none. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}
