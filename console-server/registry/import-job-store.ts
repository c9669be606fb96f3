import type { Db } from '../db/database';
import type { ImportJob } from './import-jobs';

interface StoredJob {
  job_id: string;
  app_id: string;
  started_by: string;
  client_address: string | null;
  started_at: number;
  finished_at: number | null;
  state: ImportJob['state'];
  total: number;
  done: number;
  counts_json: string;
  results_json: string | null;
  stopped_by_json: string | null;
}

/** A job as stored, with the address of whoever started it (for its audit row). */
export interface StoredImportJob {
  job: ImportJob;
  clientAddress: string | null;
}

function fromStored(row: StoredJob): StoredImportJob {
  const job: ImportJob = {
    jobId: row.job_id,
    appId: row.app_id,
    startedBy: row.started_by,
    startedAt: row.started_at,
    state: row.state,
    total: row.total,
    done: row.done,
    counts: JSON.parse(row.counts_json) as ImportJob['counts'],
  };
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.results_json !== null) job.results = JSON.parse(row.results_json);
  if (row.stopped_by_json !== null) job.stoppedBy = JSON.parse(row.stopped_by_json);
  return { job, clientAddress: row.client_address };
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * The import_jobs table (migration 007): one row per CSV import, written when it starts, as it
 * progresses (at most about once a second) and when it ends.
 */
export function createImportJobStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO import_jobs (job_id, app_id, started_by, client_address, started_at, state,
       total, done, counts_json)
     VALUES (@jobId, @appId, @startedBy, @clientAddress, @startedAt, 'running', @total, 0, @counts)`,
  );
  const progress = db.prepare(
    `UPDATE import_jobs SET done = ?, counts_json = ? WHERE job_id = ? AND state = 'running'`,
  );
  const finish = db.prepare(
    `UPDATE import_jobs SET state = @state, finished_at = @finishedAt, done = @done,
       counts_json = @counts, results_json = @results, stopped_by_json = @stoppedBy
     WHERE job_id = @jobId`,
  );
  const byId = db.prepare<[string], StoredJob>('SELECT * FROM import_jobs WHERE job_id = ?');
  const interrupt = db.prepare<[number, string], StoredJob>(
    `UPDATE import_jobs SET state = 'failed', finished_at = ?, stopped_by_json = ?
     WHERE state = 'running' RETURNING *`,
  );
  const pruneOld = db.prepare('DELETE FROM import_jobs WHERE finished_at <= ?');
  const pruneExcess = db.prepare(
    `DELETE FROM import_jobs WHERE job_id IN (SELECT job_id FROM import_jobs
       WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, job_id LIMIT -1 OFFSET ?)`,
  );

  return {
    insert(job: ImportJob, clientAddress: string | null): void {
      insert.run({ ...job, clientAddress, counts: JSON.stringify(job.counts) });
    },
    saveProgress(job: ImportJob): void {
      progress.run(job.done, JSON.stringify(job.counts), job.jobId);
    },
    finish(job: ImportJob): void {
      finish.run({
        jobId: job.jobId,
        state: job.state,
        finishedAt: job.finishedAt,
        done: job.done,
        counts: JSON.stringify(job.counts),
        results: json(job.results),
        stoppedBy: json(job.stoppedBy),
      });
    },
    get(jobId: string): StoredImportJob | undefined {
      const row = byId.get(jobId);
      return row && fromStored(row);
    },
    /** Marks every job still `running` as failed with `stoppedBy`; returns them. */
    interruptRunning(at: number, stoppedBy: NonNullable<ImportJob['stoppedBy']>) {
      return interrupt.all(at, JSON.stringify(stoppedBy)).map(fromStored);
    },
    /** Drops finished jobs that ended at or before `endedBy`, and all but the newest `keep`. */
    prune(endedBy: number, keep: number): void {
      pruneOld.run(endedBy);
      pruneExcess.run(keep);
    },
  };
}

export type ImportJobStore = ReturnType<typeof createImportJobStore>;
