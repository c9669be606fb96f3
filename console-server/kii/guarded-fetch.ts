import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { checkLiteralHost, guardedLookup, type KiiTargetPolicy } from './kii-target-policy';

/** Statuses whose Response may carry no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The fetch of the console server's Kii calls: node:http(s) with a `lookup` that refuses what
 * `policy` refuses as the socket connects, so a base URL whose name later resolves to a metadata
 * or private address (DNS rebinding) is refused too; the global fetch offers no such hook. Only
 * what kii-http.ts uses is supported: a URL string, method, headers, a string body and a signal.
 * A refusal rejects with `KiiTargetRefusedError` (kii-call-error.ts makes it TARGET_REFUSED).
 */
export function guardedFetch(policy: KiiTargetPolicy): typeof fetch {
  const lookup = guardedLookup(policy);
  // Agents of this policy alone: Node's global agents keep sockets alive, and a socket another
  // fetch opened (under another policy, or before a name was re-pointed) is reused without a
  // lookup, so the check would not run. These pool only sockets that passed it.
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, lookup }),
    'https:': new HttpsAgent({ keepAlive: true, lookup }),
  };
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError(`Only http and https are fetched, not ${url.protocol}`));
        return;
      }
      checkLiteralHost(url, policy);
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
      const request = send(url, {
        method: init.method ?? 'GET',
        headers,
        lookup,
        agent: agents[url.protocol],
      });
      // As fetch does: the signal's reason (e.g. a TimeoutError) is what the caller sees.
      const abort = () => {
        request.destroy();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      const settle = () => signal?.removeEventListener('abort', abort);
      request.on('error', (error) => {
        settle();
        // A refusal by the lookup arrives as the socket's error, itself.
        reject(error);
      });
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          settle();
          reject(error);
        });
        response.on('end', () => {
          settle();
          const status = response.statusCode ?? 0;
          const answer = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value])
              answer.append(name, each);
          }
          resolve(
            new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: response.statusMessage,
              headers: answer,
            }),
          );
        });
      });
      if (typeof init.body === 'string') request.write(init.body);
      request.end();
    });
}
