import type { AuditEntry } from '../audit/audit-repository';
import type { ImportJob } from './import-jobs';

/** Items the audit row of a finished import lists one by one (all counted). */
const AUDITED_IMPORT_ITEMS = 1000;

/**
 * The `installation.import.done` row of an import that ended: done, failed, or stopped under
 * by a shutdown or crash (written at the next start then). The request that started it is long
 * gone, so the person and address are the job's own.
 */
export function importDoneEntry(job: ImportJob, clientAddress: string | null): AuditEntry {
  const notable = (job.results ?? []).filter((item) => item.status !== 'exists');
  return {
    person: job.startedBy,
    appId: job.appId,
    action: 'installation.import.done',
    target: job.jobId,
    status: job.state === 'done' ? 200 : 500,
    errorCode: job.stoppedBy?.errorCode ?? null,
    clientAddress,
    details: {
      counts: job.counts,
      done: job.done,
      total: job.total,
      stoppedBy: job.stoppedBy ?? null,
      items: notable.slice(0, AUDITED_IMPORT_ITEMS),
      itemsLeftOut: Math.max(0, notable.length - AUDITED_IMPORT_ITEMS),
    },
  };
}
