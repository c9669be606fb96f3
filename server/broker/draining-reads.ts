import type { Duplex } from 'node:stream';

/**
 * Makes `read()` without a size return everything buffered, as it did up to Node 24.
 *
 * Node 26 returns only the first buffered chunk from `read()` and keeps the rest. aedes 1.2 reads
 * once per 'readable' event (lib/client.js, nextBatch) and then waits for the next event, which
 * does not come while data is still buffered: a CONNECT that arrives in two pieces (two
 * WebSocket messages, or two TCP segments read together) is never answered. Reading until the
 * buffer is empty also re-arms the 'readable' event for the next piece.
 */
export function withDrainingReads<T extends Duplex>(stream: T): T {
  const readOne = stream.read.bind(stream);
  stream.read = (size?: number | null) => {
    if (size !== undefined && size !== null) return readOne(size);
    const first: unknown = readOne();
    if (!Buffer.isBuffer(first)) return first;
    const chunks: Buffer[] = [first];
    for (let next: unknown = readOne(); Buffer.isBuffer(next); next = readOne()) chunks.push(next);
    return chunks.length === 1 ? first : Buffer.concat(chunks);
  };
  return stream;
}
