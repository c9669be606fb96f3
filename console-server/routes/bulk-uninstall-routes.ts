import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireRole } from '../access/guard';
import { auditRequest } from '../access/request-audit';
import { ApiError } from '../errors';
import type { KiiAppCredentials } from '../kii/admin-tokens';
import {
  formatInstallationRef,
  parseInstallationRef,
  type KiiInstallation,
} from '../kii/installation-ref';
import { KiiCallError } from '../kii/kii-call-error';
import { markGone } from './installations-routes';
import { appParams, connectedApp } from './kii-action';

/** Refs one bulk run takes; larger lists go as several runs (or an import to check first). */
export const MAX_BULK = 1000;
/** Kii calls in flight at once for one bulk run, as the import's verify runner does. */
const BULK_CONCURRENCY = 4;
/** 1,000 refs of up to about 1,000 characters (FCM and APNs registration IDs are far shorter). */
const BULK_BODY_LIMIT = 1024 * 1024;
/** The streamed answer's media type: one JSON object per line (see docs/team-api.md). */
const LINES = 'application/x-ndjson';

type BulkStatus =
  'uninstalled' | 'would-uninstall' | 'not-found' | 'failed' | 'invalid' | 'duplicate';

/** Kii's answer to one item: its status (0 when none came), and its errorCode on a failure. */
interface ItemKii {
  status: number;
  errorCode?: string;
}

interface BulkItem {
  ref: string;
  status: BulkStatus;
  installationID?: string;
  /** What a dry run found, so the console can name the owner before anything changes. */
  installation?: {
    registrationID: string;
    deviceType: string;
    development: boolean;
    owner?: { type: 'user' | 'thing'; id: string };
  };
  /** Absent only for `invalid` and `duplicate`, which never reach Kii. */
  kii?: ItemKii;
}

interface BulkOutcome {
  dryRun: boolean;
  counts: Partial<Record<BulkStatus, number>>;
  results: BulkItem[];
}

/** Runs `task` over `items` with at most `limit` at once, results in input order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function foundFields(found: KiiInstallation): NonNullable<BulkItem['installation']> {
  const owner = found.userID
    ? { type: 'user' as const, id: found.userID }
    : found.thingID
      ? { type: 'thing' as const, id: found.thingID }
      : undefined;
  return {
    registrationID: found.installationRegistrationID,
    deviceType: found.deviceType,
    development: found.development,
    ...(owner ? { owner } : {}),
  };
}

/**
 * Bulk uninstall (operator): a dry run that only looks each reference up, or the run that
 * uninstalls them, with one outcome per item and one audit row for the whole run (every item's
 * outcome with Kii's status and errorCode in its details). A run, once started, finishes on the
 * server and is audited whole even when the browser goes away mid-way.
 *
 * Asked with `accept: application/x-ndjson`, the answer streams one line per item as it
 * finishes (`{index, result}`) and ends with the whole outcome, so the console shows progress
 * while the run stays one request and one audit row; otherwise it is the outcome as JSON.
 */
export const bulkUninstallRoutes: FastifyPluginAsync = async (app) => {
  const { kii, registry } = app.team;

  /** One item, never throwing: an unexpected failure is that item's `failed` (and logged). */
  const uninstallOne = async (
    request: FastifyRequest,
    appId: string,
    credentials: KiiAppCredentials,
    dryRun: boolean,
    text: string,
    seen: Set<string>,
  ): Promise<BulkItem> => {
    const ref = parseInstallationRef(text);
    if (!ref) return { ref: text, status: 'invalid' };
    const key = formatInstallationRef(ref);
    if (seen.has(key)) return { ref: key, status: 'duplicate' };
    seen.add(key);
    try {
      // A dry run only looks each one up: nothing changes at Kii or in the registry.
      if (dryRun) {
        const found = await kii.findInstallation(credentials, ref);
        return {
          ref: key,
          status: 'would-uninstall',
          installationID: found.installationID,
          installation: foundFields(found),
          kii: { status: 200 },
        };
      }
      const status = await kii.uninstall(credentials, ref);
      markGone(registry, appId, ref);
      return { ref: key, status: 'uninstalled', kii: { status } };
    } catch (error) {
      if (!(error instanceof KiiCallError)) {
        request.log.error({ err: error, ref: key }, 'bulk uninstall item failed');
        return { ref: key, status: 'failed', kii: { status: 0, errorCode: 'INTERNAL' } };
      }
      const gone = error.status === 404;
      if (gone && !dryRun) markGone(registry, appId, ref, error.errorCode);
      return {
        ref: key,
        status: gone ? 'not-found' : 'failed',
        kii: { status: error.status, errorCode: error.errorCode },
      };
    }
  };

  app.post<{ Params: { appId: string }; Body: { refs: string[]; dryRun?: boolean } }>(
    '/apps/:appId/installations/bulk-uninstall',
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        params: appParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['refs'],
          properties: {
            // The count is checked in the handler, for an answer that says the limit.
            refs: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 4200 } },
            dryRun: { type: 'boolean' },
          },
        },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      const { refs } = request.body;
      if (refs.length > MAX_BULK) {
        throw new ApiError(
          413,
          'BULK_TOO_LARGE',
          `A bulk run takes at most ${MAX_BULK} installations; this one named ${refs.length}. Split the list into runs of ${MAX_BULK} or fewer.`,
          { max: MAX_BULK, given: refs.length },
        );
      }
      const dryRun = request.body.dryRun === true;
      const run = async (onItem: (index: number, item: BulkItem) => void) => {
        const seen = new Set<string>();
        const results = await mapBounded(refs, BULK_CONCURRENCY, async (text, index) => {
          const item = await uninstallOne(request, appId, credentials, dryRun, text, seen);
          onItem(index, item);
          return item;
        });
        const counts: BulkOutcome['counts'] = {};
        for (const item of results) counts[item.status] = (counts[item.status] ?? 0) + 1;
        auditRequest(request, {
          appId,
          action: 'installation.bulk-uninstall',
          target: `${results.length} installations`,
          status: 200,
          // Failed items carry their own Kii status and errorCode.
          errorCode: counts.failed ? 'PARTLY_FAILED' : null,
          details: { dryRun, counts, results },
        });
        const outcome: BulkOutcome = { dryRun, counts, results };
        return outcome;
      };

      if (!(request.headers.accept ?? '').includes(LINES)) return run(() => undefined);

      const lines = new PassThrough();
      // A browser gone mid-way destroys the stream; the run goes on and is audited whole.
      const send = (text: string) => lines.destroyed || lines.write(text);
      run((index, result) => send(`${JSON.stringify({ index, result })}\n`)).then(
        (outcome) => lines.end(`${JSON.stringify(outcome)}\n`),
        (error: unknown) => {
          // Only the audit write can fail here; the status line has long been sent.
          request.log.error({ err: error }, 'bulk uninstall run not recorded');
          lines.end(
            `${JSON.stringify({ error: { code: 'INTERNAL', message: 'The run finished but could not be recorded' } })}\n`,
          );
        },
      );
      return reply.type(`${LINES}; charset=utf-8`).header('cache-control', 'no-store').send(lines);
    },
  );
};
