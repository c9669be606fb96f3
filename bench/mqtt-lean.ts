/**
 * Just enough MQTT 3.1.1 for the cluster benchmark's load generator (bench/cluster-clients.ts):
 * CONNECT, SUBSCRIBE and PINGREQ written by hand, and a stream reader that splits the bytes a
 * broker sends into packets and reads CONNACK, SUBACK and PUBLISH (QoS 0, as Kii delivers).
 * MQTT.js costs tens of kilobytes and a timer or two per client; at 100,000 clients on two
 * cores the load generator, not the brokers, would be measured.
 */

import { remainingLength } from '../server/testing/mqtt-clients';

const MQTT = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54]);

function utf8Field(value: string): Buffer {
  const text = Buffer.from(value, 'utf8');
  const field = Buffer.allocUnsafe(2 + text.length);
  field.writeUInt16BE(text.length, 0);
  text.copy(field, 2);
  return field;
}

function packet(firstByte: number, body: Buffer[]): Buffer {
  const length = body.reduce((sum, part) => sum + part.length, 0);
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(length), ...body]);
}

/** CONNECT with a clean session, user name and password (Kii's MQTT endpoint credentials). */
export function connectPacket(
  clientId: string,
  username: string,
  password: string,
  keepaliveSeconds: number,
): Buffer {
  // Flags: user name (0x80), password (0x40), clean session (0x02).
  const header = Buffer.from([0x04, 0xc2, keepaliveSeconds >> 8, keepaliveSeconds & 0xff]);
  return packet(0x10, [
    MQTT,
    header,
    utf8Field(clientId),
    utf8Field(username),
    utf8Field(password),
  ]);
}

/** SUBSCRIBE to one topic at QoS 0. */
export function subscribePacket(packetId: number, topic: string): Buffer {
  return packet(0x82, [
    Buffer.from([packetId >> 8, packetId & 0xff]),
    utf8Field(topic),
    Buffer.from([0]),
  ]);
}

export const PINGREQ = Buffer.from([0xc0, 0]);
export const DISCONNECT = Buffer.from([0xe0, 0]);

export type Packet =
  | { type: 'connack'; returnCode: number }
  | { type: 'suback'; granted: number[] }
  | { type: 'publish'; topic: string; payload: Buffer }
  | { type: 'other'; code: number };

/**
 * Splits a byte stream into MQTT packets. A WebSocket message may hold several packets or part
 * of one (the server packs a flush into one frame), so bytes are kept until a packet is whole.
 */
export class PacketReader {
  private pending: Buffer | undefined;

  /** Feeds bytes; calls `onPacket` for every packet completed by them. */
  push(chunk: Buffer, onPacket: (packet: Packet) => void): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let offset = 0;
    while (offset < data.length) {
      // Fixed header: type byte, then 1-4 bytes of remaining length.
      let length = 0;
      let multiplier = 1;
      let cursor = offset + 1;
      let complete = false;
      while (cursor < data.length && cursor < offset + 5) {
        const byte = data[cursor++];
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || cursor + length > data.length) break;
      onPacket(decode(data[offset], data.subarray(cursor, cursor + length)));
      offset = cursor + length;
    }
    if (offset < data.length) {
      data = data.subarray(offset);
      // A copy: the WebSocket's buffer is not ours to keep.
      this.pending = Buffer.from(data);
    }
  }
}

function decode(first: number, body: Buffer): Packet {
  const type = first >> 4;
  if (type === 2) return { type: 'connack', returnCode: body[1] };
  if (type === 9) return { type: 'suback', granted: [...body.subarray(2)] };
  if (type === 3) {
    const topicLength = body.readUInt16BE(0);
    const qos = (first >> 1) & 3;
    const payloadStart = 2 + topicLength + (qos > 0 ? 2 : 0);
    return {
      type: 'publish',
      topic: body.toString('utf8', 2, 2 + topicLength),
      payload: body.subarray(payloadStart),
    };
  }
  return { type: 'other', code: type };
}
