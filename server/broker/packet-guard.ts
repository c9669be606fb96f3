import type { Client } from 'aedes';

/**
 * Largest remaining length (the bytes after the fixed header) accepted in any inbound MQTT
 * packet, before or after authentication. Push clients only ever send CONNECT (client ID,
 * user name and password of an endpoint: well under 1 KiB), SUBSCRIBE to one topic, PINGREQ
 * and DISCONNECT; a client PUBLISH is refused anyway, and even a push payload is at most
 * 4,096 bytes (docs/kii-api.md §9.4). 64 KiB leaves ample room for a library's extra CONNECT
 * fields (a will message) while a hostile client can no longer make the broker buffer up to
 * the 256 MB MQTT allows for each connection before it has even authenticated.
 */
export const MAX_PACKET_BYTES = 64 * 1024;

/** A fixed header is at most 5 bytes: the type byte and up to 4 bytes of remaining length. */
const MAX_FIXED_HEADER_BYTES = 5;

/**
 * Largest WebSocket message accepted on /mqtt (ws' default is 100 MiB). One message carries
 * one MQTT packet from every client library; a longer one is refused with close code 1009 as
 * soon as its frame header arrives, before its payload is buffered.
 */
export const MAX_WEBSOCKET_MESSAGE_BYTES = MAX_PACKET_BYTES + MAX_FIXED_HEADER_BYTES;

interface Subscription {
  qos: number;
}

/**
 * The per-connection parser aedes 1.2 keeps as `client._parser` (an mqtt-packet 9 Parser):
 * the parts the guard relies on. Neither library has a size option, so the guard hooks the
 * parser at the one step that learns a packet's length, before its body is buffered.
 */
interface MqttPacketParser {
  packet: { length: number };
  _parseLength(): boolean;
  _emitError(error: Error): void;
  prependListener(
    event: 'packet',
    listener: (packet: { cmd: string; subscriptions?: Subscription[] }) => void,
  ): unknown;
}

/**
 * Applies the inbound rules aedes has no option for to a connection it just took:
 *
 * - A packet declaring a remaining length over `maxPacketBytes` is a parse error: aedes then
 *   destroys the socket at once, having buffered at most the bytes of one socket read.
 * - Every SUBSCRIBE is asked at QoS 0 before aedes handles it. aedes grants in the SUBACK the
 *   QoS the client requested, whatever `authorizeSubscribe` returns, but the broker only ever
 *   delivers QoS 0 (docs/kii-api.md §9.1); MQTT lets a server grant less than asked.
 *
 * Returns false when the parser is not the shape above (a changed aedes or mqtt-packet): the
 * caller must then refuse the connection rather than run it unguarded.
 */
export function guardInbound(client: Client, maxPacketBytes = MAX_PACKET_BYTES): boolean {
  const parser = (client as unknown as { _parser?: Partial<MqttPacketParser> })._parser;
  if (
    typeof parser?._parseLength !== 'function' ||
    typeof parser._emitError !== 'function' ||
    typeof parser.prependListener !== 'function'
  ) {
    return false;
  }
  const parseLength = parser._parseLength;
  parser._parseLength = function (this: MqttPacketParser): boolean {
    if (!parseLength.call(this)) return false;
    if (this.packet.length <= maxPacketBytes) return true;
    // The code lets the connection history name the close reason (PACKET_REFUSED).
    this._emitError(
      Object.assign(
        new Error(
          `packet declares ${this.packet.length} bytes; at most ${maxPacketBytes} accepted`,
        ),
        { code: 'PACKET_TOO_LARGE' },
      ),
    );
    return false;
  };
  parser.prependListener('packet', (packet) => {
    if (packet.cmd !== 'subscribe' || !packet.subscriptions) return;
    for (const subscription of packet.subscriptions) subscription.qos = 0;
  });
  return true;
}
