import type { FastifyPluginAsync } from 'fastify';
import { requireAdmin } from '../auth';
import { KiiHttpError, kiiErrors } from '../errors';
import { HISTORY_PER_INSTALLATION } from '../repositories/connection-history';
import type { OutcomeRow, PushSummary } from '../repositories/push-ledger';
import { errorResponses, paramsWith } from './schemas';

const MAX_ROWS_PAGE = 1000;

/** The SDK's cache-buster is tolerated everywhere (docs/kii-api.md §1.1); other keys are refused. */
function query(properties: Record<string, object>) {
  return {
    type: 'object',
    properties: { ...properties, disable_cache: { type: 'string' } },
    additionalProperties: false,
  } as const;
}

const paging = {
  paginationKey: { type: 'string', pattern: '^\\d{1,15}$' },
  limit: { type: 'string', pattern: '^\\d{1,4}$' },
};

function pageSize(raw: string | undefined, fallback: number, max: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (value < 1 || value > max)
    throw kiiErrors.invalid('limit', `must be an integer from 1 to ${max}`);
  return value;
}

function pushNotFound(appID: string, pushMessageID: string): KiiHttpError {
  return new KiiHttpError(
    404,
    'PUSH_MESSAGE_NOT_FOUND',
    `No record of push message ${pushMessageID}: unknown, or older than the ledger keeps`,
    { appID, pushMessageID },
  );
}

/** A summary as the API answers it: counts, "written to connection" timing, row bounds. */
function summaryJson(s: PushSummary) {
  return {
    pushMessageID: s.pushMessageID,
    target: s.target,
    sender: s.sender,
    sendToDevelopment: s.sendToDevelopment,
    sendToProduction: s.sendToProduction,
    payloadBytes: s.payloadBytes,
    sentAt: s.sentAt,
    complete: s.settledAt !== null,
    settledAt: s.settledAt,
    recipients: s.recipients,
    targeted: s.targeted,
    delivered: s.outcomes.DELIVERED ?? 0,
    outcomes: s.outcomes,
    timeToWriteMs: s.writeMs,
    rowsKept: s.rowsKept,
    rowsOmitted: s.rowsOmitted,
  };
}

/** One outcome row; `writtenAt` is when the PUBLISH went to the connection, not a receipt. */
function rowJson(row: OutcomeRow) {
  return {
    installationID: row.installationID,
    [row.ownerType === 'user' ? 'userID' : 'thingID']: row.ownerID,
    outcome: row.outcome,
    ...(row.detail ? { detail: row.detail } : {}),
    ...(row.connectionID
      ? { connectionID: row.connectionID, transport: row.transport, writtenAt: row.writtenAt }
      : {}),
  };
}

/**
 * The delivery trace extension (docs/kii-api.md §13): a push's report, an installation's
 * connection history and its outcome for pushes. Admin token only, like every extension.
 */
export const traceRoutes: FastifyPluginAsync = async (app) => {
  const { config, ledger, connections, installations } = app.kii;

  app.get<{
    Params: { appID: string; pushMessageID: string };
    Querystring: { paginationKey?: string; limit?: string; outcome?: string };
  }>(
    '/apps/:appID/pushes/:pushMessageID',
    {
      schema: {
        params: paramsWith('pushMessageID'),
        querystring: query({ ...paging, outcome: { type: 'string', pattern: '^[A-Z_]{1,40}$' } }),
        response: errorResponses,
      },
    },
    async (request) => {
      requireAdmin(request, config.appId);
      const { pushMessageID } = request.params;
      const limit = pageSize(request.query.limit, 100, MAX_ROWS_PAGE);
      const offset = Number(request.query.paginationKey ?? 0);
      const report = ledger.report(pushMessageID, offset, limit + 1, request.query.outcome);
      if (!report) throw pushNotFound(config.appId, pushMessageID);
      const page = report.rows.slice(0, limit);
      return {
        ...summaryJson(report.summary),
        recipientRows: page.map(rowJson),
        ...(report.rows.length > limit ? { nextPaginationKey: String(offset + limit) } : {}),
      };
    },
  );

  /** 404 only when the server knows nothing of the ID: history outlives an uninstall. */
  function requireKnown(installationId: string, known: boolean) {
    if (known || installations.find(installationId)) return;
    throw new KiiHttpError(
      404,
      'INSTALLATION_NOT_FOUND',
      `Installation ${installationId} was not found`,
      { appID: config.appId, installationID: installationId },
    );
  }

  app.get<{ Params: { appID: string; installationID: string }; Querystring: { limit?: string } }>(
    '/apps/:appID/installations/:installationID/connections',
    {
      schema: {
        params: paramsWith('installationID'),
        querystring: query({ limit: paging.limit }),
        response: errorResponses,
      },
    },
    async (request) => {
      requireAdmin(request, config.appId);
      const { installationID } = request.params;
      // The open connection, if any, comes on top of the stored closed ones.
      const max = HISTORY_PER_INSTALLATION + 1;
      const history = connections.history(installationID, pageSize(request.query.limit, max, max));
      requireKnown(installationID, history.length > 0);
      const open = history[0]?.closedAt === null ? history[0] : undefined;
      const seen = connections.lastSeen([installationID]).get(installationID)!;
      return {
        installationID,
        connected: seen.connected,
        lastSeenAt: seen.at,
        ...(open ? { connectionID: open.connectionID } : {}),
        connections: history.map(({ installationID: _, ...record }) => record),
      };
    },
  );

  app.get<{
    Params: { appID: string; installationID: string };
    Querystring: { pushMessageID?: string; paginationKey?: string; limit?: string };
  }>(
    '/apps/:appID/installations/:installationID/deliveries',
    {
      schema: {
        params: paramsWith('installationID'),
        querystring: query({ ...paging, pushMessageID: { type: 'string', minLength: 1 } }),
        response: errorResponses,
      },
    },
    async (request) => {
      requireAdmin(request, config.appId);
      const { installationID } = request.params;
      const { pushMessageID } = request.query;
      if (pushMessageID !== undefined) {
        const found = ledger.outcomeOf(pushMessageID, installationID);
        if (!found) throw pushNotFound(config.appId, pushMessageID);
        const push = summaryJson(found.summary);
        return {
          installationID,
          push,
          // Without a row, rowsOmitted says whether that is conclusive: with nothing omitted the
          // push did not target this installation at all.
          deliveries: found.row ? [{ pushMessageID, ...rowJson(found.row) }] : [],
        };
      }
      const limit = pageSize(request.query.limit, 50, MAX_ROWS_PAGE);
      const before = Number(request.query.paginationKey ?? Number.MAX_SAFE_INTEGER);
      const rows = ledger.ofInstallation(installationID, before, limit + 1);
      requireKnown(installationID, rows.length > 0);
      const page = rows.slice(0, limit);
      return {
        installationID,
        deliveries: page.map((row) => ({
          pushMessageID: row.pushMessageID,
          sentAt: row.sentAt,
          target: row.target,
          ...rowJson(row),
        })),
        ...(rows.length > limit ? { nextPaginationKey: String(page.at(-1)!.pushSeq) } : {}),
      };
    },
  );
};
