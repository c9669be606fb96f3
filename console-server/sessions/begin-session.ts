import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Person } from '../people/people-repository';
import type { SignedIn } from '../team-services';
import { readSessionCookie, setSessionCookie } from './session-cookie';

/**
 * Starts a session for a person who just proved who they are (password or single sign-on) and
 * sets its cookie. Session fixation: whatever session the browser brought is ended, and a new
 * ID is issued every time.
 */
export function beginSession(
  request: FastifyRequest,
  reply: FastifyReply,
  person: Person,
): SignedIn {
  const { sessions, people, config } = request.server.team;
  const previous = readSessionCookie(request);
  if (previous) sessions.endById(previous);
  const { sessionId, session } = sessions.create(person.id, request.ip);
  setSessionCookie(request, reply, sessionId, config.sessionAbsoluteMinutes * 60);
  const signedIn = { person, roles: people.roles(person.id), session };
  request.signedIn = signedIn;
  return signedIn;
}
