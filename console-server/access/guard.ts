import type { FastifyRequest } from 'fastify';
import { apiErrors } from '../errors';
import { roleAllows, type Role } from '../people/roles';
import { readSessionCookie } from '../sessions/session-cookie';
import type { SignedIn } from '../team-services';
import { auditRequest } from './request-audit';

/**
 * onRequest hook of the API: finds the live session for the cookie (if any) and the person and
 * roles behind it. A disabled person's sessions end here too, whatever the table says.
 */
export async function loadSession(request: FastifyRequest): Promise<void> {
  request.signedIn = null;
  const sessionId = readSessionCookie(request);
  if (!sessionId) return;
  const { sessions, people } = request.server.team;
  const session = sessions.find(sessionId);
  if (!session) return;
  const person = people.byId(session.personId);
  if (!person || person.disabled) {
    sessions.end(session);
    return;
  }
  request.signedIn = { person, roles: people.roles(person.id), session };
}

/** The signed-in person, or 401. */
export function requireSession(request: FastifyRequest): SignedIn {
  if (!request.signedIn) throw apiErrors.unauthenticated();
  return request.signedIn;
}

/**
 * The one guard every API route calls: the signed-in person must hold at least `role` on
 * `appId` (or on every app, '*'). A refusal is answered 403 and recorded in the audit trail
 * with the route it was for. The console hides what a role cannot do, but this is the check.
 */
export function requireRole(request: FastifyRequest, appId: string, role: Role): SignedIn {
  const signedIn = requireSession(request);
  if (roleAllows(signedIn.roles, appId, role)) return signedIn;
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  const error = apiErrors.forbidden(
    appId === '*'
      ? `This needs the ${role} role on every app`
      : `This needs the ${role} role on app ${appId}`,
    { needed: role, appId },
  );
  auditRequest(request, {
    appId: appId === '*' ? null : appId,
    action: 'access.refused',
    target: route,
    status: error.status,
    errorCode: error.code,
    details: { needed: role, appId },
  });
  throw error;
}
