import fc from 'fast-check';
import { rawPackets, remainingLength, type MqttEndpoint } from '../testing/mqtt-clients';

/**
 * Malformed, random, truncated and oversized MQTT packets for the broker fuzz, and the reading
 * of what the broker sent back. Everything here is bytes: the fuzz writes them to raw sockets
 * and WebSockets, never through a client library that would refuse to send them.
 */

/** The largest remaining length MQTT can express (4 bytes of variable-length integer). */
const MAX_REMAINING_LENGTH = 268_435_455;

/** A 2-byte-length-prefixed field; `declared` lies about the length when given. */
function field(value: string | Uint8Array, declared?: number): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(declared ?? Math.min(bytes.length, 0xffff));
  return Buffer.concat([length, bytes]);
}

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

/** What the fuzz knows of the world: topics worth aiming at. */
export interface MqttFuzzWorld {
  /** The fuzzing installation's own endpoint (its CONNECT is the one that authenticates). */
  own: MqttEndpoint;
  /** Another installation's topic, which must never leak to the fuzzer. */
  victimTopic: string;
}

/** One fuzz connection: the bytes it sends, over which transport, after which preamble. */
export interface MqttCase {
  transport: 'tcp' | 'ws';
  /** Send a valid CONNECT with the own endpoint first, so the packets hit an authenticated session. */
  authenticate: boolean;
  /** After that CONNECT, SUBSCRIBE to the own topic at this QoS and await the SUBACK (null = don't). */
  subscribeQos: 0 | 1 | 2 | null;
  /** The packets, each written (or sent as a WebSocket message) on its own. */
  packets: Buffer[];
  /**
   * Then stream this many bytes (8 to 16 MiB, or 0 for none) of the body of a packet declaring
   * 128 MiB.
   */
  floodBytes: number;
  /** Keep the packets in one write instead of one write per packet. */
  coalesce: boolean;
}

export function mqttArbitraries(world: MqttFuzzWorld) {
  const binary = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '',
      '#',
      '+',
      '$SYS/#',
      '/',
      'a/+/b',
      '\u0000',
      world.own.mqttTopic,
      `${world.own.mqttTopic}/#`,
      world.victimTopic,
    ),
  );
  /** A string field, sometimes with a length prefix that lies. */
  const textField = fc.oneof(
    { arbitrary: text.map((value) => field(value)), weight: 4 },
    {
      arbitrary: fc
        .tuple(text, fc.integer({ min: 0, max: 0xffff }))
        .map(([value, declared]) => field(value, declared)),
      weight: 1,
    },
  );
  const packetId = fc.integer({ min: 0, max: 0xffff }).map((id) => field(Buffer.alloc(0), id));

  /** CONNECT with every field random: protocol name and level, flags, keep-alive, strings. */
  const connect = fc
    .record({
      flagsNibble: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 })),
      protocol: fc.oneof(fc.constantFrom('MQTT', 'MQIsdp'), text),
      level: fc.oneof(fc.constantFrom(3, 4, 5), fc.integer({ min: 0, max: 255 })),
      flags: fc.integer({ min: 0, max: 255 }),
      keepalive: fc.integer({ min: 0, max: 0xffff }),
      fields: fc.array(textField, { maxLength: 5 }),
    })
    .map(({ flagsNibble, protocol, level, flags, keepalive, fields }) => {
      const head = Buffer.alloc(4);
      head.writeUInt8(level, 0);
      head.writeUInt8(flags, 1);
      head.writeUInt16BE(keepalive, 2);
      return packet(0x10 | flagsNibble, Buffer.concat([field(protocol), head, ...fields]));
    });

  const subscribe = fc
    .record({
      flagsNibble: fc.oneof(fc.constant(2), fc.integer({ min: 0, max: 15 })),
      id: packetId,
      filters: fc.array(
        fc.tuple(textField, fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ max: 255 }))),
        { maxLength: 4 },
      ),
    })
    .map(({ flagsNibble, id, filters }) =>
      packet(
        0x80 | flagsNibble,
        Buffer.concat([id, ...filters.flatMap(([topic, qos]) => [topic, Buffer.from([qos])])]),
      ),
    );

  const unsubscribe = fc
    .tuple(packetId, fc.array(textField, { maxLength: 3 }))
    .map(([id, topics]) => packet(0xa2, Buffer.concat([id, ...topics])));

  const publish = fc
    .record({
      flagsNibble: fc.integer({ min: 0, max: 15 }),
      topic: textField,
      id: packetId,
      payload: binary(512),
    })
    .map(({ flagsNibble, topic, id, payload }) => {
      const qos = (flagsNibble >> 1) & 3;
      return packet(
        0x30 | flagsNibble,
        Buffer.concat([topic, qos > 0 ? id : Buffer.alloc(0), payload]),
      );
    });

  /** The small fixed-size packets, well-formed or with a wrong length or flags. */
  const small = fc
    .tuple(
      fc.constantFrom(0x20, 0x40, 0x50, 0x62, 0x70, 0x90, 0xb0, 0xc0, 0xd0, 0xe0, 0x00, 0xf0),
      binary(4),
    )
    .map(([first, body]) => packet(first, body));

  /** Any type byte with any declared length (up to MQTT's 256 MB) and a short body. */
  const anyHeader = fc
    .tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX_REMAINING_LENGTH })),
      binary(256),
    )
    .map(([first, declared, body]) =>
      Buffer.concat([Buffer.from([first]), remainingLength(declared), body]),
    );

  /** A declared length above the broker's 64 KiB cap, with the first few KB of the body. */
  const hugeDeclared = fc
    .tuple(
      fc.constantFrom(0x10, 0x30, 0x82, 0xc0),
      fc.integer({ min: 64 * 1024 + 1, max: MAX_REMAINING_LENGTH }),
      fc.integer({ min: 0, max: 4096 }),
    )
    .map(([first, declared, size]) =>
      Buffer.concat([Buffer.from([first]), remainingLength(declared), Buffer.alloc(size, 0x41)]),
    );

  /** A remaining length that never ends (5 continuation bytes). */
  const badLength = fc
    .integer({ min: 0, max: 255 })
    .map((first) => Buffer.from([first, 0xff, 0xff, 0xff, 0xff, 0x7f]));

  const valid = fc.oneof(
    fc.constant(rawPackets.subscribe(world.own.mqttTopic)),
    fc.constant(rawPackets.subscribe(world.victimTopic)),
    fc.constant(rawPackets.subscribe('#')),
    // Asking for QoS 1 or 2 on the own topic: the SUBACK must grant 0.
    fc
      .tuple(fc.constantFrom(1, 2), packetId)
      .map(([qos, id]) =>
        packet(0x82, Buffer.concat([id, field(world.own.mqttTopic), Buffer.from([qos])])),
      ),
    fc.constant(Buffer.from([0xc0, 0x00])),
    fc.constant(
      rawPackets.connect({
        clientId: world.own.mqttTopic,
        username: world.own.username,
        password: `${world.own.password}x`,
        keepaliveSeconds: 30,
      }),
    ),
  );

  const whole = fc.oneof(
    { arbitrary: connect, weight: 4 },
    { arbitrary: subscribe, weight: 3 },
    { arbitrary: publish, weight: 3 },
    { arbitrary: unsubscribe, weight: 1 },
    { arbitrary: small, weight: 2 },
    { arbitrary: anyHeader, weight: 3 },
    { arbitrary: hugeDeclared, weight: 2 },
    { arbitrary: badLength, weight: 1 },
    { arbitrary: valid, weight: 3 },
    { arbitrary: binary(2048), weight: 2 },
  );
  /** Some packets cut short at a random point. */
  const mqttPacket = fc.oneof(
    { arbitrary: whole, weight: 4 },
    {
      arbitrary: fc
        .tuple(whole, fc.nat())
        .map(([bytes, cut]) => bytes.subarray(0, bytes.length ? cut % bytes.length : 0)),
      weight: 1,
    },
  );

  const mqttCase: fc.Arbitrary<MqttCase> = fc.record({
    transport: fc.constantFrom('tcp' as const, 'ws' as const),
    authenticate: fc.boolean(),
    subscribeQos: fc.constantFrom(0 as const, 1 as const, 2 as const, null),
    packets: fc.array(mqttPacket, { minLength: 1, maxLength: 6 }),
    floodBytes: fc.oneof(
      { arbitrary: fc.constant(0), weight: 40 },
      { arbitrary: fc.integer({ min: 8 * 1024 * 1024, max: 16 * 1024 * 1024 }), weight: 1 },
    ),
    coalesce: fc.boolean(),
  });

  /**
   * What a connection left open sends before going silent: nothing, or a strict prefix of a
   * CONNECT. The broker has to close it on its own, by its connect timeout.
   */
  const silentStart = fc.oneof(
    fc.constant(Buffer.alloc(0)),
    fc.tuple(connect, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, cut % bytes.length)),
    hugeDeclared.map((bytes) => bytes.subarray(0, 2)),
  );

  return { mqttCase, silentStart };
}

/** SUBSCRIBE to the own topic at `qos` (packet ID 1). */
export function ownSubscribe(own: MqttEndpoint, qos: number): Buffer {
  return packet(
    0x82,
    Buffer.concat([field(Buffer.alloc(0), 1), field(own.mqttTopic), Buffer.from([qos])]),
  );
}

/** The valid CONNECT of the fuzzing installation. */
export function ownConnect(own: MqttEndpoint): Buffer {
  return rawPackets.connect({
    clientId: own.mqttTopic,
    username: own.username,
    password: own.password,
    keepaliveSeconds: 30,
  });
}

/** One packet the broker sent: its type (high nibble of the first byte) and its body. */
export interface ServerPacket {
  type: number;
  body: Buffer;
}

/** Splits what the broker sent into packets; a trailing partial packet is left out. */
export function serverPackets(bytes: Buffer): ServerPacket[] {
  const packets: ServerPacket[] = [];
  let at = 0;
  while (at < bytes.length) {
    let length = 0;
    let multiplier = 1;
    let pos = at + 1;
    let byte: number;
    do {
      if (pos >= bytes.length) return packets;
      byte = bytes[pos++];
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
    } while (byte & 0x80 && pos - at <= 4);
    if (pos + length > bytes.length) return packets;
    packets.push({ type: bytes[at] >> 4, body: bytes.subarray(pos, pos + length) });
    at = pos + length;
  }
  return packets;
}

/**
 * Packet types a push broker may send: CONNACK, SUBACK, UNSUBACK, PINGRESP, and PUBCOMP, which
 * MQTT 3.1.1 (4.3.3) requires in answer to any PUBREL, even one for a message it never saw.
 */
const CONNACK = 2;
const SUBACK = 9;
const PUBCOMP = 7;
const UNSUBACK = 11;
const PINGRESP = 13;

/**
 * What is wrong with the broker's answer to one fuzz connection. Without the own CONNECT the
 * broker may only refuse (CONNACK with a non-zero code); with it, SUBACKs grant QoS 0 or refuse
 * (128); and no fuzz connection ever receives a PUBLISH (nothing is pushed to its topic, and
 * the victim's topic must not leak).
 */
export function answerProblems(fuzzCase: MqttCase, received: Buffer): string[] {
  const problems: string[] = [];
  const packets = serverPackets(received);
  packets.forEach((answer, index) => {
    const authenticatedHere = fuzzCase.authenticate && index === 0;
    if (index === 1 && fuzzCase.authenticate && fuzzCase.subscribeQos !== null) {
      if (answer.type !== SUBACK || answer.body[2] !== 0)
        problems.push(
          `SUBSCRIBE to the own topic at QoS ${fuzzCase.subscribeQos} answered ${answer.type}: ${answer.body.toString('hex')} (want a SUBACK granting 0)`,
        );
    }
    switch (answer.type) {
      case CONNACK:
        if (answer.body[1] === 0 && !authenticatedHere)
          problems.push('CONNACK 0 (accepted) for a CONNECT without valid credentials');
        if (authenticatedHere && answer.body[1] !== 0)
          problems.push(`the valid CONNECT was refused with CONNACK ${answer.body[1]}`);
        break;
      case SUBACK: {
        if (!fuzzCase.authenticate) problems.push('SUBACK on a connection that never connected');
        const granted = [...answer.body.subarray(2)];
        if (granted.some((qos) => qos !== 0 && qos !== 0x80))
          problems.push(`SUBACK granted ${granted.join(',')}; only 0 or 128 are allowed`);
        break;
      }
      case PUBCOMP:
      case UNSUBACK:
      case PINGRESP:
        if (!fuzzCase.authenticate)
          problems.push(`packet type ${answer.type} on a connection that never connected`);
        break;
      default:
        problems.push(`unexpected packet type ${answer.type} from the broker`);
    }
  });
  return problems;
}
