/**
 * A lean HTTP/1.1 keep-alive load generator for the timed request phases of the server
 * benchmark: one request in flight per connection (no pipelining), requests written as one
 * buffer, responses read by Content-Length. On a 2-core machine a general-purpose client
 * (undici) spends about as much CPU per request as the server does, so it, not the server,
 * would set the ceiling; this one spends a fraction of that.
 *
 * Only for responses with a Content-Length (fastify sends one for every JSON reply).
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface LeanResponse {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection with at most one request in flight. */
class LeanConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting?: { resolve: (response: LeanResponse) => void; reject: (error: Error) => void };

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('connection closed'));
    });
  }

  /** Set once the socket has closed (e.g. the server's keep-alive timeout). */
  closed = false;

  request(raw: Buffer): Promise<LeanResponse> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(raw);
    });
  }

  close(): void {
    this.socket.end();
  }

  private fail(error: Error) {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  private onData(chunk: Buffer) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = match ? Number(match[1]) : 0;
    const end = headerEnd + 4 + length;
    if (this.buffered.length < end) return;
    const response = {
      status: Number(head.slice(9, 12)),
      body: this.buffered.toString('utf8', headerEnd + 4, end),
    };
    this.buffered = this.buffered.subarray(end);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(response);
  }
}

async function openConnection(host: string, port: number): Promise<LeanConnection> {
  const socket = connect(port, host);
  await once(socket, 'connect');
  return new LeanConnection(socket);
}

/** The bytes of one request to `host:port`, built once and sent as one write. */
function requestBytes(
  host: string,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}:${port}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`);
}

/**
 * Keep-alive connections taken as they come free and opened when none is: for open-loop load,
 * where a request is sent on schedule whether or not the previous ones were answered.
 */
export class LeanHttpPool {
  private readonly free: LeanConnection[] = [];

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** A pool with `warm` connections open already, so the first timed requests open none. */
  static async open(host: string, port: number, warm: number): Promise<LeanHttpPool> {
    const pool = new LeanHttpPool(host, port);
    for (let i = 0; i < warm; i++) pool.free.push(await openConnection(host, port));
    return pool;
  }

  build(method: string, path: string, headers: Record<string, string>, body?: string): Buffer {
    return requestBytes(this.host, this.port, method, path, headers, body);
  }

  async send(raw: Buffer): Promise<LeanResponse> {
    let connection = this.free.pop();
    while (connection?.closed) connection = this.free.pop();
    connection ??= await openConnection(this.host, this.port);
    try {
      const response = await connection.request(raw);
      this.free.push(connection);
      return response;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  close(): void {
    for (const connection of this.free.splice(0)) connection.close();
  }
}

/** A fixed set of keep-alive connections to one host and port. */
export class LeanHttpClient {
  private constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly connections: LeanConnection[],
  ) {}

  static async open(host: string, port: number, connections: number): Promise<LeanHttpClient> {
    const sockets = await Promise.all(
      Array.from({ length: connections }, () => openConnection(host, port)),
    );
    return new LeanHttpClient(host, port, sockets);
  }

  /** The bytes of one request, built once and sent as one write. */
  build(method: string, path: string, headers: Record<string, string>, body?: string): Buffer {
    return requestBytes(this.host, this.port, method, path, headers, body);
  }

  /**
   * Runs `count` requests, each connection taking the next one as soon as its previous
   * response is in; `check` turns a response into a result (and throws on a wrong status).
   */
  async run<T>(
    count: number,
    request: (i: number) => Buffer,
    check: (response: LeanResponse, i: number) => T,
  ): Promise<T[]> {
    const results = new Array<T>(count);
    let next = 0;
    await Promise.all(
      this.connections.map(async (connection) => {
        while (next < count) {
          const i = next++;
          results[i] = check(await connection.request(request(i)), i);
        }
      }),
    );
    return results;
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }
}
