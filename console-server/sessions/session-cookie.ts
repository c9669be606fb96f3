import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie. Over https it is `__Host-kpc-session` with `Secure`: the prefix makes the
 * browser refuse it unless it is Secure, has Path=/ and no Domain, so no sibling subdomain can
 * plant or overwrite it. Over plain http (a console on localhost) the prefix is not allowed, and
 * the name is `kpc-session`. Always httpOnly (scripts never see the ID) and SameSite=Strict (no
 * other site's page makes the browser send it).
 */
const SECURE_NAME = '__Host-kpc-session';
const PLAIN_NAME = 'kpc-session';

export function isHttps(request: FastifyRequest): boolean {
  // request.protocol is 'https' for TLS sockets, or from X-Forwarded-Proto with --trust-proxy.
  return request.protocol === 'https';
}

export function sessionCookieName(request: FastifyRequest): string {
  return isHttps(request) ? SECURE_NAME : PLAIN_NAME;
}

/**
 * A random 256-bit ID (base64url) from the named cookie, if the request carries one. Anything
 * else under that name is not one of ours and is ignored, not decoded.
 */
export function readIdCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** The session ID the request's cookie carries, if any. */
export function readSessionCookie(request: FastifyRequest): string | undefined {
  return readIdCookie(request, sessionCookieName(request));
}

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${sessionCookieName(request)}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (isHttps(request)) attributes.push('Secure');
  return attributes.join('; ');
}

/** Sets the cookie to live as long as the session's absolute lifetime. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  maxAgeSeconds: number,
): void {
  reply.header('set-cookie', cookie(request, sessionId, maxAgeSeconds));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', cookie(request, '', 0));
}
