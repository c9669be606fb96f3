import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import type { ServerConfig } from './config';
import { KiiHttpError, kiiErrorBody, sendKiiError } from './errors';

/**
 * What every answer carries, errors included: Kii Cloud answers `Access-Control-Allow-Origin: *`
 * (the API is authorised by bearer tokens, never by cookies), and the SDK reads these headers.
 */
export const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'X-MQTT-TTL, Location, Content-Type',
} as const;

/**
 * Errors fastify raises before routing (a path that is not valid percent-encoding, a path
 * parameter longer than maxParamLength): they skip the onRequest hooks, so the CORS headers
 * are set here too.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  reply.headers(corsHeaders);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendKiiError(
      reply,
      new KiiHttpError(414, 'URI_TOO_LONG', 'A path segment is longer than this server accepts'),
    );
  }
  return sendKiiError(
    reply,
    new KiiHttpError(400, 'INVALID_INPUT_DATA', 'The request path is not valid percent-encoding'),
  );
}

/** Node's HTTP parser and timeout errors, mapped to the status Node itself would answer. */
function clientErrorFor(error: NodeJS.ErrnoException): KiiHttpError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new KiiHttpError(
        408,
        'REQUEST_TIMEOUT',
        'The request was not received in time; send it again',
      );
    case 'HPE_HEADER_OVERFLOW':
      return new KiiHttpError(431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'The headers are too large');
    default:
      return new KiiHttpError(400, 'INVALID_INPUT_DATA', 'The request is not valid HTTP/1.1');
  }
}

/**
 * Answers a request Node's HTTP parser refused (raw non-ASCII in the request line, a broken
 * chunked body, a request that took too long) with Kii's envelope and the CORS headers, where
 * fastify's default would write its own JSON. The connection is closed afterwards, as Node does.
 */
export function clientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const kii = clientErrorFor(error);
  const { body, type } = kiiErrorBody(kii);
  if (socket.writable) {
    const head = [
      `HTTP/1.1 ${kii.status} ${STATUS_CODES[kii.status]}`,
      `Content-Type: ${type}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(corsHeaders).map(([name, value]) => `${name}: ${value}`),
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}

/** Node's 'checkExpectation': an `Expect` header this server cannot meet gets 417 in the envelope. */
export function expectationFailed(request: IncomingMessage, response: ServerResponse): void {
  const { body, type } = kiiErrorBody(
    new KiiHttpError(417, 'EXPECTATION_FAILED', 'Only "Expect: 100-continue" is supported'),
  );
  response.writeHead(417, {
    ...corsHeaders,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Host names this server answers to. A page on another site can point its own DNS name at
 * 127.0.0.1 (DNS rebinding) and then call this server as if same-origin; its requests then carry
 * that name in Host. IP literals and localhost cannot be rebound, and the configured public host
 * is the operator's choice, so only those are accepted.
 */
export function hostAllowed(config: ServerConfig) {
  const names = new Set(['localhost', config.publicHost.toLowerCase(), config.host.toLowerCase()]);
  // Every request is checked: the few Host values a server really sees are remembered once
  // accepted, so the hot paths pay one Set lookup.
  const accepted = new Set<string>();
  return (hostHeader: string | undefined): boolean => {
    // HTTP/1.0 clients may leave Host out; a browser (the rebinding vector) always sends it.
    if (!hostHeader || accepted.has(hostHeader)) return true;
    const host = hostHeader
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/^\[(.*)\]$/, '$1');
    const ok = names.has(host) || host.endsWith('.localhost') || isIP(host) !== 0;
    if (ok && accepted.size < 64) accepted.add(hostHeader);
    return ok;
  };
}

/**
 * Whether a request comes from a page of this server itself. Browsers send `Origin` on every
 * cross-origin fetch and `Sec-Fetch-Site` on every fetch; a request with neither is not from a
 * browser page at all (curl, the test runner).
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.headers.host}`;
}
