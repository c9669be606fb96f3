import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '../access/guard';
import { auditRequest } from '../access/request-audit';
import { ApiError } from '../errors';
import {
  ImportBusyError,
  KEEP_FINISHED_MS,
  MAX_FINISHED,
  type ImportJob,
} from '../registry/import-jobs';
import { importDoneEntry } from '../registry/import-audit';
import { CsvImportError, parseInstallationCsv, type CsvImport } from '../registry/installation-csv';
import { verifyInstallations } from '../registry/verify-installations';
import { appIdParam, appParams, connectedApp } from './kii-action';

/** An import file of 10,000 rows of long registration IDs fits (the API's usual limit is 64 KiB). */
const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;

const jobParams = {
  type: 'object',
  required: ['appId', 'jobId'],
  properties: { appId: appIdParam, jobId: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } },
} as const;

/**
 * The CSV import of installation references (operator), verified against Kii in the background
 * (bulk uninstall is bulk-uninstall-routes.ts). Import jobs are kept in the database
 * (registry/import-jobs.ts): a restart keeps finished ones, and one that was running reads as
 * failed with `INTERRUPTED`.
 */
export const bulkRoutes: FastifyPluginAsync = async (app) => {
  const { kii, registry, imports, audit } = app.team;

  // An import is CSV text. A form cannot send text/csv and a cross-site fetch of it needs a
  // pre-flight this server never grants, so this parser keeps the API's CSRF stance.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.post<{ Params: { appId: string }; Body: string }>(
    '/apps/:appId/installations/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: { params: appParams, body: { type: 'string', minLength: 1 } },
    },
    async (request, reply) => {
      const { appId } = request.params;
      const signedIn = requireRole(request, appId, 'operator');
      const credentials = connectedApp(request, appId);
      let parsed: CsvImport;
      try {
        parsed = parseInstallationCsv(request.body);
      } catch (error) {
        if (error instanceof CsvImportError) throw new ApiError(413, error.code, error.message);
        throw error;
      }
      const lines = { invalid: parsed.invalid, duplicates: parsed.duplicates };
      if (parsed.refs.length === 0) {
        throw new ApiError(
          400,
          'EMPTY_IMPORT',
          'The file holds no installation ID or deviceType:registrationID',
          lines,
        );
      }
      const startedBy = signedIn.person.login;
      const clientAddress = request.ip;
      let job: ImportJob;
      try {
        job = imports.start(
          { appId, startedBy, total: parsed.refs.length, clientAddress },
          (signal, onProgress) =>
            verifyInstallations({
              kii,
              app: credentials,
              registry,
              refs: parsed.refs.map((row) => row.ref),
              addedBy: startedBy,
              onProgress,
              signal,
            }),
          (finished) => {
            // Written when the run ends, so the row holds the outcome; the request is long gone.
            try {
              audit.record(importDoneEntry(finished, clientAddress));
            } catch (error) {
              app.log.error({ err: error, jobId: finished.jobId }, 'import audit row not written');
            }
          },
        );
      } catch (error) {
        if (error instanceof ImportBusyError)
          throw new ApiError(409, 'IMPORTS_BUSY', error.message);
        throw error;
      }
      auditRequest(request, {
        appId,
        action: 'installation.import',
        target: job.jobId,
        status: 202,
        details: {
          rows: parsed.refs.length,
          invalid: parsed.invalid.length,
          duplicates: parsed.duplicates.length,
        },
      });
      return reply
        .code(202)
        .send({ jobId: job.jobId, total: job.total, header: parsed.header, ...lines });
    },
  );

  app.get<{ Params: { appId: string; jobId: string } }>(
    '/apps/:appId/imports/:jobId',
    { schema: { params: jobParams } },
    async (request) => {
      const { appId, jobId } = request.params;
      requireRole(request, appId, 'operator');
      const job = imports.get(appId, jobId);
      if (!job) {
        throw new ApiError(
          404,
          'IMPORT_NOT_FOUND',
          `No import ${jobId} on app ${appId}; finished imports are kept for ${KEEP_FINISHED_MS / 3_600_000} hours (the newest ${MAX_FINISHED} at most)`,
        );
      }
      return job;
    },
  );
};
