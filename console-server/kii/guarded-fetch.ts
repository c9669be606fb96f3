import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KiiTransport, KiiWireAnswer, KiiWireRequest } from './kii-http';
import { checkLiteralHost, guardedLookup, type KiiTargetPolicy } from './kii-target-policy';

/** Statuses whose Response may carry no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Kii's answers the console server reads are small (an installation, an endpoint, a listing page
 * of at most a few hundred rows); a base URL that points somewhere else could stream without end
 * into the server's memory. Past this the exchange is dropped.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** An answer body past {@link MAX_ANSWER_BYTES}; kii-call-error.ts makes it INVALID_RESPONSE. */
export class KiiAnswerTooLargeError extends Error {
  override readonly name = 'KiiAnswerTooLargeError';
  constructor(readonly limit: number) {
    super(`the answer was larger than ${limit} bytes`);
  }
}

/**
 * The transport of the console server's Kii calls: node:http(s) with a `lookup` that refuses
 * what `policy` refuses as the socket connects, so a base URL whose name later resolves to a
 * metadata or private address (DNS rebinding) is refused too; the global fetch offers no such
 * hook. A refusal rejects with `KiiTargetRefusedError` (kii-call-error.ts makes it
 * TARGET_REFUSED); the timeout with a DOMException named TimeoutError, as AbortSignal.timeout
 * would, but from one timer instead of a transferable signal per call.
 */
export function guardedTransport(
  policy: KiiTargetPolicy,
  maxAnswerBytes = MAX_ANSWER_BYTES,
): KiiTransport {
  const lookup = guardedLookup(policy);
  // Agents of this policy alone: Node's global agents keep sockets alive, and a socket another
  // fetch opened (under another policy, or before a name was re-pointed) is reused without a
  // lookup, so the check would not run. These pool only sockets that passed it.
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, lookup }),
    'https:': new HttpsAgent({ keepAlive: true, lookup }),
  };
  return (wire) =>
    new Promise<KiiWireAnswer>((resolve, reject) => {
      const url = new URL(wire.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`Only http and https are fetched, not ${url.protocol}`));
        return;
      }
      checkLiteralHost(url, policy);
      const { signal } = wire;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, {
        method: wire.method,
        headers: wire.headers,
        lookup,
        agent: agents[url.protocol],
      });
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settle();
        request.destroy();
        reject(error);
      };
      const abort = () => fail(signal!.reason);
      signal?.addEventListener('abort', abort, { once: true });
      const timer =
        wire.timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => fail(new DOMException(`No answer within ${wire.timeoutMs} ms`, 'TimeoutError')),
              wire.timeoutMs,
            );
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
      };
      // A refusal by the lookup arrives as the socket's error, itself.
      request.on('error', fail);
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) fail(new KiiAnswerTooLargeError(maxAnswerBytes));
          else chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          if (settled) return;
          settle();
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined)
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      if (wire.body !== undefined) request.write(wire.body);
      request.end();
    });
}

/**
 * {@link guardedTransport} as a fetch, for specs that watch or hold back the console server's
 * Kii exchanges (testing/kii-team-fixture.ts). Only what kii-http.ts uses is supported: a URL
 * string, method, headers, a string body and a signal.
 */
export function guardedFetch(policy: KiiTargetPolicy): typeof fetch {
  const transport = guardedTransport(policy);
  return async (input, init = {}) => {
    const answer = await transport({
      url: input instanceof Request ? input.url : String(input),
      method: (init.method ?? 'GET') as KiiWireRequest['method'],
      headers: Object.fromEntries(new Headers(init.headers ?? {}).entries()),
      body: typeof init.body === 'string' ? init.body : undefined,
      signal: init.signal ?? undefined,
    });
    return new Response(NULL_BODY.has(answer.status) ? null : answer.text, {
      status: answer.status,
      headers: answer.headers,
    });
  };
}
