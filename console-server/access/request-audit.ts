import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/audit-repository';
import type { AuditRow } from '../audit/audit-chain';

/**
 * Records an audit row for a request: the signed-in person (unless the entry names someone)
 * and the client address come from the request, so no route forgets them.
 */
export function auditRequest(
  request: FastifyRequest,
  entry: Omit<AuditEntry, 'person' | 'clientAddress'> & { person?: string | null },
): AuditRow {
  return request.server.team.audit.record({
    ...entry,
    person: entry.person === undefined ? (request.signedIn?.person.login ?? null) : entry.person,
    clientAddress: request.ip,
  });
}
