import type { FastifyRequest } from 'fastify';
import { auditRequest } from '../access/request-audit';
import type { AuditEntry } from '../audit/audit-repository';
import { ApiError } from '../errors';
import { describeWait } from './sign-in-limit';

/** The refusal a throttled address gets for any sign-in (password or single sign-on). */
export function throttledError(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    'SIGN_IN_THROTTLED',
    `Too many refused sign-ins from this address. Try again in ${describeWait(retryAfterSeconds)}.`,
    { retryAfterSeconds },
  );
}

/**
 * Refuses a sign-in from a throttled address before any password is checked. Not audited: the
 * throttle wrote its one row when it started, and a row per refusal is what it prevents.
 */
export function refuseIfThrottled(request: FastifyRequest): void {
  const throttle = request.server.team.signInThrottle.throttled(request.ip);
  if (throttle) throw throttledError(throttle.retryAfterSeconds);
}

/**
 * Records a refused sign-in (nobody is signed in: the entry names what was tried). It counts
 * against the address's budget; within the budget it is audited as one row, and the refusal
 * that uses the budget up also writes the one `sign-in.throttled` row (docs/team-api.md).
 */
export function auditRefusedSignIn(
  request: FastifyRequest,
  entry: Omit<AuditEntry, 'person' | 'clientAddress'>,
): void {
  const { signInThrottle, config } = request.server.team;
  const { bucket, audit, started } = signInThrottle.refused(request.ip);
  if (audit) auditRequest(request, { ...entry, person: null });
  if (!started) return;
  request.log.warn({ address: bucket, refusals: started.refusals }, 'sign-in throttled');
  auditRequest(request, {
    person: null,
    action: 'sign-in.throttled',
    target: bucket,
    status: 429,
    errorCode: 'SIGN_IN_THROTTLED',
    details: {
      refusals: started.refusals,
      windowMinutes: config.signInLockMinutes,
      retryAfterSeconds: started.retryAfterSeconds,
    },
  });
}
