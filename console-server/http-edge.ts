import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { isIP, type Socket } from 'node:net';
import type { ConsoleServerConfig } from './config';
import { ApiError, apiErrors, errorBody, sendApiError } from './errors';

/**
 * Headers on every answer. The CSP allows only this origin: scripts and styles from its own
 * files, no framing by anyone (frame-ancestors), no plugins, no <base> changes, forms posting
 * only here. Styles also allow inline: Angular inserts component styles as <style> elements at
 * run time, and without a per-response nonce (a later change to the console build) they would
 * be blocked. Scripts get no such allowance. `connect-src` adds exactly the MQTT broker origins
 * of connected apps (see {@link contentSecurityPolicy}).
 */
const CSP_BEFORE_CONNECT = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
];
const CSP_AFTER_CONNECT = [
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/**
 * The CSP with `connect-src 'self'` plus `brokerOrigins`: the console in team mode opens its
 * MQTT WebSocket straight to the broker of the app it watches (docs/team-api.md, "Content
 * Security Policy"), and nothing else off this origin. Origins come from Kii's endpoint answers
 * (apps/broker-origins.ts), already normalised to `ws://host:port` / `wss://host:port`.
 */
export function contentSecurityPolicy(brokerOrigins: readonly string[] = []): string {
  const connect = ["connect-src 'self'", ...brokerOrigins].join(' ');
  return [...CSP_BEFORE_CONNECT, connect, ...CSP_AFTER_CONNECT].join('; ');
}

export const securityHeaders = {
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
} as const;

/**
 * onRequest: the security headers (the CSP with the connected apps' broker origins, read from
 * `brokerCsp`, which caches the header text), and no caching of anything the API answers.
 */
export function addSecurityHeaders(brokerCsp: () => string) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.headers(securityHeaders);
    reply.header('content-security-policy', brokerCsp());
    if (request.protocol === 'https') {
      reply.header('strict-transport-security', 'max-age=31536000');
    }
    if (request.url.startsWith('/team/api')) reply.header('cache-control', 'no-store');
    done();
  };
}

/**
 * Host names this server answers to. A page on another site can point its own DNS name at this
 * server's address (DNS rebinding) and then call it as if same-origin, its Origin matching the
 * Host it sent. IP literals and localhost cannot be rebound, and --public-origin is the
 * operator's choice, so only those are accepted.
 */
export function hostAllowed(config: ConsoleServerConfig) {
  const names = new Set(['localhost', config.host.toLowerCase()]);
  if (config.publicOrigin) names.add(new URL(config.publicOrigin).hostname.toLowerCase());
  return (host: string | undefined): boolean => {
    if (!host) return false;
    const name = host
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/^\[(.*)\]$/, '$1');
    return names.has(name) || name.endsWith('.localhost') || isIP(name) !== 0;
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SIGN_IN_ROUTE = '/team/api/session';

/** The origin this request should come from if a page of this server sent it. */
function ownOrigin(request: FastifyRequest, config: ConsoleServerConfig): string {
  return config.publicOrigin ?? `${request.protocol}://${request.host}`;
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Cross-site request forgery guard for every state-changing API request (anything but GET,
 * HEAD, OPTIONS), run right after the session hook, before the body is read. Two independent checks, both required:
 *
 * 1. Where it comes from. Browsers send `Sec-Fetch-Site` on every request and `Origin` on every
 *    POST, PUT and DELETE; when present they must say same-origin and name this server's origin.
 *    A request with neither is not from a browser page (curl, scripts) and cannot ride on a
 *    victim's cookie.
 * 2. The header `x-kpc-csrf`. With a session it must equal the session's token (given by
 *    GET /team/api/me and by sign-in). On sign-in itself any non-empty value will do, session
 *    or not: a custom header alone makes a cross-origin fetch need a CORS pre-flight, which this
 *    server never grants, and an HTML form cannot send it at all. (Demanding the old session's
 *    token there would let a planted cookie block its victim's sign-in.)
 */
export function csrfGuard(config: ConsoleServerConfig) {
  return async (request: FastifyRequest): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') {
      throw refuse(request, `Refused a ${site} request; use the console's own pages`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ownOrigin(request, config)) {
      throw refuse(request, `Refused a request from origin ${origin}`);
    }
    const sent = request.headers['x-kpc-csrf'];
    if (typeof sent !== 'string' || sent === '') {
      throw refuse(request, 'The x-kpc-csrf header is missing');
    }
    const session = request.signedIn?.session;
    const signingIn = request.method === 'POST' && request.routeOptions.url === SIGN_IN_ROUTE;
    if (session && !signingIn && !sameToken(sent, session.csrfToken)) {
      throw refuse(request, 'The x-kpc-csrf header does not match this session');
    }
  };
}

/** A CSRF refusal, recorded when it names a signed-in person (anonymous noise is only logged). */
function refuse(request: FastifyRequest, message: string): ApiError {
  const error = apiErrors.csrf(message);
  if (request.signedIn) {
    request.server.team.audit.record({
      person: request.signedIn.person.login,
      action: 'csrf.refused',
      target: `${request.method} ${request.url.split('?')[0]}`,
      status: error.status,
      errorCode: error.code,
      clientAddress: request.ip,
      details: { origin: request.headers.origin ?? null, reason: message },
    });
  } else {
    request.log.warn({ reason: message }, 'CSRF refusal');
  }
  return error;
}

/**
 * Errors fastify raises before routing (a path that is not valid percent-encoding, an overlong
 * path parameter): they skip the onRequest hooks, so the security headers are set here too.
 */
export function frameworkError(
  _error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
) {
  reply.headers(securityHeaders);
  return sendApiError(reply, new ApiError(400, 'BAD_REQUEST', 'The request path is not valid'));
}

/**
 * Node's HTTP parser and timeout errors, answered in the envelope (fastify's default writes its
 * own JSON). The connection is closed afterwards, as Node does.
 */
export function clientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const api =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new ApiError(408, 'REQUEST_TIMEOUT', 'The request was not received in time')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new ApiError(431, 'HEADERS_TOO_LARGE', 'The request headers are too large')
        : new ApiError(400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1');
  const body = errorBody(api);
  if (socket.writable) {
    const head = [
      `HTTP/1.1 ${api.status} ${STATUS_CODES[api.status]}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(securityHeaders).map(([name, value]) => `${name}: ${value}`),
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}
