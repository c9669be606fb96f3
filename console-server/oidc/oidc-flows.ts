import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { isHttps, readIdCookie } from '../sessions/session-cookie';

/** What a sign-in started with, kept here until the provider sends the person back. */
export interface PendingFlow {
  providerId: string;
  state: string;
  nonce: string;
  /** PKCE: only its S256 challenge went to the provider. */
  codeVerifier: string;
  redirectUri: string;
  /** Where the console is shown afterwards: /<locale>/. */
  locale: string;
  startedAt: number;
}

/** Long enough to type a password and pass a second factor at the provider. */
export const FLOW_LIFETIME_MS = 10 * 60_000;
/** Unauthenticated starts cost memory: past this many, the oldest pending flows are dropped. */
const MAX_PENDING = 10_000;

/** Only the start and callback routes need the cookie; no other request carries it. */
const FLOW_COOKIE_PATH = '/team/api/session/oidc/';

function flowCookieName(request: FastifyRequest): string {
  return isHttps(request) ? '__Secure-kpc-oidc' : 'kpc-oidc';
}

/**
 * Sign-ins under way, server-side, each bound to the browser that started it by a random
 * 256-bit ID in a short-lived httpOnly cookie. The cookie is SameSite=Lax, unlike the session
 * cookie: the provider's redirect back is a top-level navigation from another site, on which
 * a Strict cookie would not be sent. A flow is taken out on its first callback, so a replayed
 * callback finds nothing.
 */
export function createOidcFlows(now = () => Date.now()) {
  const pending = new Map<string, PendingFlow>();

  function dropStale(): void {
    // A Map iterates in insertion order, so the oldest flows come first.
    for (const [id, flow] of pending) {
      if (flow.startedAt + FLOW_LIFETIME_MS > now() && pending.size < MAX_PENDING) break;
      pending.delete(id);
    }
  }

  return {
    /** Keeps the flow and sets its cookie on the reply. */
    begin(
      request: FastifyRequest,
      reply: FastifyReply,
      flow: Omit<PendingFlow, 'startedAt'>,
    ): void {
      dropStale();
      const id = randomBytes(32).toString('base64url');
      pending.set(id, { ...flow, startedAt: now() });
      reply.header('set-cookie', flowCookie(request, id, FLOW_LIFETIME_MS / 1000));
    },
    /** The browser's pending flow, removed (single use) and its cookie cleared; undefined if none. */
    take(request: FastifyRequest, reply: FastifyReply): PendingFlow | undefined {
      const id = readIdCookie(request, flowCookieName(request));
      if (id === undefined) return undefined;
      reply.header('set-cookie', flowCookie(request, '', 0));
      const flow = pending.get(id);
      pending.delete(id);
      if (!flow || flow.startedAt + FLOW_LIFETIME_MS <= now()) return undefined;
      return flow;
    },
    get size(): number {
      return pending.size;
    },
  };
}

export type OidcFlows = ReturnType<typeof createOidcFlows>;

function flowCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${flowCookieName(request)}=${value}`,
    `Path=${FLOW_COOKIE_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (isHttps(request)) attributes.push('Secure');
  return attributes.join('; ');
}
