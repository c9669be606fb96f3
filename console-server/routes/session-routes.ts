import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireSession } from '../access/guard';
import { auditRequest } from '../access/request-audit';
import { ApiError } from '../errors';
import { spendPasswordCheck, verifyPassword } from '../people/passwords';
import { beginSession } from '../sessions/begin-session';
import { clearSessionCookie } from '../sessions/session-cookie';
import { describeWait } from '../sessions/sign-in-limit';
import { auditRefusedSignIn, refuseIfThrottled } from '../sessions/sign-in-throttle';
import type { SignedIn } from '../team-services';
import { personSchema, rolesSchema } from './schemas';

const meSchema = {
  type: 'object',
  required: ['person', 'roles', 'csrfToken', 'session'],
  properties: {
    person: personSchema,
    roles: rolesSchema,
    /** Echo in `x-kpc-csrf` on every state-changing request. */
    csrfToken: { type: 'string' },
    session: {
      type: 'object',
      required: ['expiresAt', 'idleExpiresAt'],
      properties: { expiresAt: { type: 'integer' }, idleExpiresAt: { type: 'integer' } },
    },
  },
} as const;

function me(request: FastifyRequest, signedIn: SignedIn) {
  const { sessions } = request.server.team;
  return {
    person: signedIn.person,
    roles: signedIn.roles,
    csrfToken: signedIn.session.csrfToken,
    session: {
      expiresAt: signedIn.session.expiresAt,
      idleExpiresAt: sessions.idleEnd(signedIn.session),
    },
  };
}

/**
 * Sign-in, sign-out (here and everywhere) and "who am I". Every sign-in and sign-out is
 * recorded in the audit trail, and every failed sign-in and lock-out refusal while the client
 * address is within its budget of refusals (sessions/address-throttle.ts).
 */
export const sessionRoutes: FastifyPluginAsync = async (app) => {
  const { people, sessions, signInLimiter, config, passwordCost } = app.team;

  app.post<{ Body: { login: string; password: string } }>(
    '/session',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'password'],
          // Loose on purpose: a sign-in names a wrong login rather than a schema rule.
          properties: {
            login: { type: 'string', minLength: 1, maxLength: 256 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
        response: { 200: meSchema },
      },
    },
    async (request, reply) => {
      const login = request.body.login.trim().toLowerCase();
      const address = request.ip;
      // Before the account's own count and any password check: a throttled address costs
      // the server (and the audit trail) nothing more.
      refuseIfThrottled(request);
      const locked = signInLimiter.lockedOut(address, login);
      if (locked) {
        throw refused(request, 'sign-in.locked', login, lockedError(locked.retryAfterSeconds));
      }
      const person = people.byLogin(login);
      const hash = person ? people.passwordHash(person.id) : null;
      const passwordOk = hash
        ? await verifyPassword(request.body.password, hash)
        : await spendPasswordCheck(request.body.password, passwordCost);
      if (!passwordOk || !person) {
        const { triesLeft, lockOut } = signInLimiter.failed(address, login);
        const error = lockOut
          ? lockedError(lockOut.retryAfterSeconds)
          : new ApiError(
              401,
              'SIGN_IN_FAILED',
              `Wrong login name or password. ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left before sign-in is locked for ${describeWait(config.signInLockMinutes * 60)}.`,
              { triesLeft },
            );
        throw refused(request, 'sign-in.failed', login, error);
      }
      // Only after the right password: saying "disabled" earlier would reveal the name exists.
      if (person.disabled) {
        const error = new ApiError(403, 'ACCOUNT_DISABLED', 'This account is disabled');
        throw refused(request, 'sign-in.failed', login, error);
      }
      signInLimiter.succeeded(address, login);
      const signedIn = beginSession(request, reply, person);
      auditRequest(request, { action: 'sign-in', target: login, status: 200 });
      return me(request, signedIn);
    },
  );

  app.delete('/session', async (request, reply) => {
    const signedIn = requireSession(request);
    sessions.end(signedIn.session);
    clearSessionCookie(request, reply);
    auditRequest(request, { action: 'sign-out', target: signedIn.person.login, status: 204 });
    return reply.code(204).send();
  });

  app.post('/session/everywhere', async (request, reply) => {
    const signedIn = requireSession(request);
    const ended = sessions.endAllOf(signedIn.person.id);
    clearSessionCookie(request, reply);
    auditRequest(request, {
      action: 'sign-out.everywhere',
      target: signedIn.person.login,
      status: 204,
      details: { sessionsEnded: ended },
    });
    return reply.code(204).send();
  });

  app.get('/me', { schema: { response: { 200: meSchema } } }, async (request) =>
    me(request, requireSession(request)),
  );
};

/**
 * Records a refused sign-in (nobody is signed in: the login tried is the target), within the
 * address's budget of refusals.
 */
function refused(request: FastifyRequest, action: string, login: string, error: ApiError) {
  auditRefusedSignIn(request, {
    action,
    target: login,
    status: error.status,
    errorCode: error.code,
  });
  return error;
}

function lockedError(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    'SIGN_IN_LOCKED',
    `Too many failed sign-ins for this account from this address. Try again in ${describeWait(retryAfterSeconds)}.`,
    { retryAfterSeconds },
  );
}
