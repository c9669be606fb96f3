import type { FastifyPluginAsync } from 'fastify';
import { Readable } from 'node:stream';
import { requireSession } from '../access/guard';
import type { AuditRow } from '../audit/audit-chain';
import { csvHeader, csvLine } from '../audit/audit-csv';
import type { AuditFilters, AuditScope } from '../audit/audit-repository';
import { apiErrors } from '../errors';
import { ALL_APPS, roleAllows } from '../people/roles';
import type { SignedIn } from '../team-services';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

interface AuditQuery {
  person?: string;
  app?: string;
  action?: string;
  from?: string;
  to?: string;
  outcome?: 'ok' | 'failed';
  before?: string;
  limit?: string;
  format?: 'json' | 'csv';
}

const short = { type: 'string', minLength: 1, maxLength: 256 } as const;
const whole = { type: 'string', pattern: '^[0-9]{1,15}$' } as const;

const entrySchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    time: { type: 'string' },
    person: { type: ['string', 'null'] },
    appId: { type: ['string', 'null'] },
    action: { type: 'string' },
    target: { type: ['string', 'null'] },
    status: { type: 'integer' },
    errorCode: { type: ['string', 'null'] },
    clientAddress: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
} as const;

/**
 * Who sees what: an admin of every app sees the whole trail; anyone else their own actions
 * plus every row of the apps they administer.
 */
function scopeOf(signedIn: SignedIn): AuditScope {
  if (roleAllows(signedIn.roles, ALL_APPS, 'admin')) return { all: true };
  return {
    all: false,
    person: signedIn.person.login,
    adminOfApps: signedIn.roles.filter((g) => g.role === 'admin').map((g) => g.appId),
  };
}

function time(field: 'from' | 'to', value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw apiErrors.invalid(`querystring.${field}`, 'must be an ISO date-time');
  return ms;
}

/** An audit row as the API answers it. */
export type AuditEntryJson = ReturnType<typeof toJson>;

function toJson(row: AuditRow) {
  return {
    seq: row.seq,
    time: new Date(row.at).toISOString(),
    person: row.person,
    appId: row.appId,
    action: row.action,
    target: row.target,
    status: row.status,
    errorCode: row.errorCode,
    clientAddress: row.clientAddress,
    details: JSON.parse(row.detailsJson) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/**
 * The audit trail, newest first: filters by person, app, action, outcome and time; keyset paging
 * (`before` = the `nextBefore` of the previous page); `format=csv` exports every match.
 */
export const auditRoutes: FastifyPluginAsync = async (app) => {
  const { audit } = app.team;

  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            person: short,
            app: short,
            action: short,
            from: short,
            to: short,
            outcome: { type: 'string', enum: ['ok', 'failed'] },
            before: whole,
            limit: whole,
            format: { type: 'string', enum: ['json', 'csv'] },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['entries', 'nextBefore'],
            properties: {
              entries: { type: 'array', items: entrySchema },
              nextBefore: { type: ['integer', 'null'] },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const signedIn = requireSession(request);
      const query = request.query;
      const filters: AuditFilters = {
        person: query.person,
        appId: query.app,
        action: query.action,
        from: time('from', query.from),
        to: time('to', query.to),
        outcome: query.outcome,
      };
      const scope = scopeOf(signedIn);
      if (query.format === 'csv') {
        const rows = audit.each(scope, filters);
        const lines = (function* () {
          yield csvHeader();
          for (const row of rows) yield csvLine(row);
        })();
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
          .send(Readable.from(lines));
      }
      const limit = Math.min(MAX_PAGE, Math.max(1, Number(query.limit ?? DEFAULT_PAGE)));
      const before = query.before === undefined ? undefined : Number(query.before);
      const rows = audit.page(scope, filters, limit, before);
      return {
        entries: rows.map(toJson),
        nextBefore: rows.length === limit ? rows.at(-1)!.seq : null,
      };
    },
  );
};
