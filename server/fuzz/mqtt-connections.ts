import { connect as connectTcp } from 'node:net';
import { WebSocket } from 'ws';
import type { MqttCase } from './mqtt-arbitraries';

/** How long the broker may take to answer a valid packet, or to close once we closed our side. */
export const CLOSE_WITHIN_MS = 2000;

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles with true once `promise` settles, or with false after `ms`. */
export const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), delay(ms).then(() => false)]);

/** A raw connection to the broker over either transport, as the fuzz drives it. */
export interface FuzzConnection {
  readonly transport: 'tcp' | 'ws';
  /** True once connected (upgraded), false when refused. */
  readonly opened: Promise<boolean>;
  readonly closed: Promise<void>;
  /** Everything the broker sent so far. */
  readonly received: Buffer[];
  /** Resolves on the next bytes from the broker. */
  nextData(): Promise<unknown>;
  /** One write, or one WebSocket message. */
  send(bytes: Buffer): void;
  /**
   * Sends the header of a packet declaring 128 MiB, then up to `bytes` of its body as fast as
   * the connection takes them; returns how many were taken before the broker closed it.
   */
  flood(bytes: number): Promise<number>;
  /** Closes our side: FIN on TCP, a close frame on WebSocket. */
  end(): void;
  destroy(): void;
}

/** The fixed header of a CONNECT declaring 128 MiB. */
const FLOOD_HEADER = Buffer.from([0x10, 0x80, 0x80, 0x80, 0x40]);

export function tcpConnection(port: number): FuzzConnection {
  const socket = connectTcp(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    transport: 'tcp',
    opened: Promise.race([
      new Promise<boolean>((resolve) => socket.once('connect', () => resolve(true))),
      closed.then(() => false),
    ]),
    closed,
    received,
    nextData: () => new Promise((resolve) => socket.once('data', resolve)),
    send: (bytes) => void socket.write(bytes),
    async flood(bytes) {
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      socket.write(FLOOD_HEADER);
      let sent = 0;
      for (; sent < bytes && !socket.destroyed; sent += chunk.length) {
        if (socket.write(chunk)) continue;
        const drained = new Promise((resolve) => socket.once('drain', resolve));
        if (!(await settlesWithin(Promise.race([drained, closed]), CLOSE_WITHIN_MS))) break;
      }
      return sent;
    },
    end: () => void socket.end(),
    destroy: () => void socket.destroy(),
  };
}

export function webSocketConnection(port: number): FuzzConnection {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/mqtt`, 'mqtt');
  const received: Buffer[] = [];
  ws.on('message', (data: Buffer) => received.push(data));
  ws.on('error', () => {});
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const send = (bytes: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
  };
  return {
    transport: 'ws',
    opened: Promise.race([
      new Promise<boolean>((resolve) => ws.once('open', () => resolve(true))),
      closed.then(() => false),
    ]),
    closed,
    received,
    nextData: () => new Promise((resolve) => ws.once('message', resolve)),
    send,
    async flood(bytes) {
      // Messages under the frame limit, so that it is the packet size cap that has to act.
      const chunk = Buffer.alloc(60 * 1024, 0x41);
      send(FLOOD_HEADER);
      let sent = 0;
      for (; sent < bytes && ws.readyState === WebSocket.OPEN; sent += chunk.length) {
        send(chunk);
        if (ws.bufferedAmount > 1024 * 1024) await delay(5);
      }
      return sent;
    },
    end: () => {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    },
    destroy: () => ws.terminate(),
  };
}

/** One fuzz connection's end: what the broker sent, and any problem seen on the way. */
export interface Outcome {
  received: Buffer;
  problems: string[];
  packets: number;
}

/**
 * Runs one case on `connection`: the preamble (each valid packet awaiting its answer), the
 * fuzz packets, the flood; then closes our side, and the broker must close within
 * CLOSE_WITHIN_MS.
 */
export async function runCase(
  connection: FuzzConnection,
  fuzzCase: MqttCase,
  preamble: Buffer[],
): Promise<Outcome> {
  const problems: string[] = [];
  let packets = 0;
  const outcome = (): Outcome => ({
    received: Buffer.concat(connection.received),
    problems,
    packets,
  });
  if (!(await connection.opened)) {
    problems.push(`${connection.transport} connection refused`);
    return outcome();
  }
  const steps = async () => {
    for (const bytes of preamble) {
      connection.send(bytes);
      packets++;
      // Closed instead of answered: another case took the client ID over, as MQTT prescribes.
      const answer = Promise.race([connection.nextData(), connection.closed]);
      if (!(await settlesWithin(answer, CLOSE_WITHIN_MS))) {
        problems.push(`no answer to valid packet ${packets} within ${CLOSE_WITHIN_MS} ms`);
        return;
      }
    }
    if (fuzzCase.coalesce) connection.send(Buffer.concat(fuzzCase.packets));
    else fuzzCase.packets.forEach((bytes) => connection.send(bytes));
    packets += fuzzCase.packets.length;
    if (!fuzzCase.floodBytes) return;
    packets++;
    // Floods are 8 MiB or more: more than the kernel's socket buffers take, so a broker that
    // took them all read them.
    if ((await connection.flood(fuzzCase.floodBytes)) >= fuzzCase.floodBytes)
      problems.push(
        `the broker took all ${fuzzCase.floodBytes} bytes of a packet declaring 128 MiB without closing`,
      );
  };
  await steps();
  connection.end();
  if (!(await settlesWithin(connection.closed, CLOSE_WITHIN_MS))) {
    problems.push(`still open ${CLOSE_WITHIN_MS} ms after we closed our side`);
    connection.destroy();
  }
  return outcome();
}
