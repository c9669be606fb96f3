import { formatNumber } from '@angular/common';

/** The connection timeline's and errors' sentences, in the console's language. */
export interface LinkText {
  fetchingEndpoint(): string;
  endpointFailed(reason: string): string;
  connecting(url: string, clientId: string): string;
  connected(url: string, topic: string): string;
  switched(clientId: string): string;
  closedByBroker(livedMs: number, reason: string): string;
  connectFailed(code: number | null, reason: string): string;
  closedBeforeAccepting(): string;
  installationGone(): string;
  refused(code: number | null): string;
  reconnecting(delayMs: number, attempt: number): string;
  expired(): string;
  refreshing(): string;
  refreshFailed(reason: string): string;
  subscriptionRefused(topic: string): string;
  storm(clientId: string): string;
  stopped(): string;
}

/** The sentences, with numbers formatted for `locale`. */
export function linkText(locale: string): LinkText {
  const seconds = (ms: number) => formatNumber(ms / 1000, locale, '1.0-1');
  return {
    fetchingEndpoint: () =>
      $localize`:Timeline entry while the MQTT endpoint is fetched@@kpc.live.fetchingEndpoint:Fetching the MQTT endpoint`,
    endpointFailed: (reason) =>
      $localize`:Timeline entry or error when the MQTT endpoint could not be fetched; REASON is why@@kpc.live.endpointFailed:The MQTT endpoint could not be fetched: ${reason}:REASON:`,
    connecting: (url, clientId) =>
      $localize`:Timeline entry when a connection starts; URL is the broker, CLIENT the client ID@@kpc.live.connecting:Connecting to ${url}:URL: as ${clientId}:CLIENT:`,
    connected: (url, topic) =>
      $localize`:Timeline entry once connected and subscribed@@kpc.live.connected:Connected to ${url}:URL: and subscribed to ${topic}:TOPIC:`,
    switched: (clientId) =>
      $localize`:Timeline entry after moving to fresh endpoint credentials@@kpc.live.switched:Moved to the new endpoint (client ID ${clientId}:CLIENT:); no messages were dropped from the buffer`,
    closedByBroker: (livedMs, reason) => {
      const after = seconds(livedMs);
      return reason
        ? $localize`:Timeline entry when the broker closed a connection, with the client's reason@@kpc.live.closedWithReason:The connection closed after ${after}:SECONDS: s: ${reason}:REASON:`
        : $localize`:Timeline entry when the broker closed a connection@@kpc.live.closed:The broker closed the connection after ${after}:SECONDS: s`;
    },
    connectFailed: (code, reason) => {
      if (code !== null) {
        const why = refusalReason(code);
        return $localize`:Timeline entry when the broker refused the CONNECT; CODE is the MQTT return code@@kpc.live.connectRefused:The broker refused the connection (return code ${code}:CODE:: ${why}:REASON:)`;
      }
      return reason
        ? $localize`:Timeline entry when the broker could not be reached, with the reason@@kpc.live.unreachableWithReason:The broker could not be reached: ${reason}:REASON:`
        : $localize`:Timeline entry when the broker could not be reached@@kpc.live.unreachable:The broker could not be reached`;
    },
    closedBeforeAccepting: () =>
      $localize`:Timeline entry when the broker took the connection but closed it without answering the CONNECT@@kpc.live.closedBeforeAccepting:The broker closed the connection without accepting it: these credentials are no longer valid (the installation may have been uninstalled). Fetching the endpoint again`,
    installationGone: () =>
      $localize`:Error when the monitored installation no longer exists after the broker dropped it@@kpc.live.installationGone:The installation no longer exists: it was uninstalled, so the broker no longer accepts its credentials. Start a monitor for another installation.`,
    refused: (code) => {
      const why = refusalReason(code ?? 0);
      return $localize`:Error when the broker keeps refusing fresh credentials@@kpc.live.refused:The broker refused the connection twice, also with freshly fetched credentials (${why}:REASON:). Check that the installation still exists and that the endpoint belongs to it.`;
    },
    reconnecting: (delayMs, attempt) => {
      const wait = seconds(delayMs);
      return $localize`:Timeline entry before the next attempt; SECONDS is the wait, ATTEMPT its number@@kpc.live.reconnecting:Reconnecting in ${wait}:SECONDS: s (attempt ${attempt}:ATTEMPT:)`;
    },
    expired: () =>
      $localize`:Timeline entry when the endpoint's TTL ran out@@kpc.live.expired:The endpoint's credentials expired (X-MQTT-TTL); fetching new ones`,
    refreshing: () =>
      $localize`:Timeline entry when fresh endpoint credentials are fetched ahead of expiry@@kpc.live.refreshing:Fetching a new endpoint before the TTL runs out; the buffer is kept`,
    refreshFailed: (reason) =>
      $localize`:Timeline entry when fetching fresh credentials failed; the old connection stays@@kpc.live.refreshFailed:Moving to a new endpoint failed (${reason}:REASON:); staying connected and trying again`,
    subscriptionRefused: (topic) =>
      $localize`:Error when the broker refused the SUBSCRIBE@@kpc.live.subscriptionRefused:The broker refused the subscription to ${topic}:TOPIC:.`,
    storm: (clientId) =>
      $localize`:Error when another client keeps taking over the connection; CLIENT is the client ID@@kpc.live.storm:Another client keeps taking this connection over: it connects with the same client ID (${clientId}:CLIENT:). Kii allows one MQTT connection per client ID, so each new connection closes the other one and both would reconnect in a loop. The monitor stopped to end the loop. Stop the other client (for example the device that owns this installation), or watch its topics with a Topics monitor instead, then reconnect.`,
    stopped: () =>
      $localize`:Timeline entry when the operator stopped the monitor@@kpc.live.stopped:Stopped`,
  };
}

/** MQTT 3.1.1 CONNACK return codes (docs/kii-api.md §9.2). */
function refusalReason(code: number): string {
  switch (code) {
    case 1:
      return $localize`:CONNACK return code 1@@kpc.live.refusal1:unacceptable protocol version`;
    case 2:
      return $localize`:CONNACK return code 2@@kpc.live.refusal2:client ID rejected`;
    case 3:
      return $localize`:CONNACK return code 3@@kpc.live.refusal3:server unavailable, the endpoint may not be ready yet`;
    case 4:
      return $localize`:CONNACK return code 4@@kpc.live.refusal4:bad user name or password, the credentials expired or are no longer valid (for example, the installation was uninstalled)`;
    case 5:
      return $localize`:CONNACK return code 5@@kpc.live.refusal5:not authorized`;
    default:
      return $localize`:Unknown CONNACK return code@@kpc.live.refusalOther:unknown reason`;
  }
}
