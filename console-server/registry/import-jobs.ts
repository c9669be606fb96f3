import { randomBytes } from 'node:crypto';
import type {
  VerifyItemResult,
  VerifyProgress,
  VerifyReport,
  VerifyStatus,
} from './verify-installations';

/**
 * A CSV import being verified against Kii, as `GET .../imports/:jobId` shows it. Progress
 * (`done`, `counts`) moves while it runs; `results` (one per reference, in file order) come
 * when it has finished.
 */
export interface ImportJob {
  jobId: string;
  appId: string;
  /** Login of the person who started it. */
  startedBy: string;
  startedAt: number;
  finishedAt?: number;
  state: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  counts: Record<VerifyStatus, number>;
  results?: VerifyItemResult[];
  stoppedBy?: VerifyReport['stoppedBy'];
}

/** Runs the verification; `signal` aborts it at shutdown. */
export type ImportRun = (
  signal: AbortSignal,
  onProgress: (progress: VerifyProgress) => void,
) => Promise<VerifyReport>;

export class ImportBusyError extends Error {
  override readonly name = 'ImportBusyError';
}

export interface ImportJobs {
  /** Starts a run in the background; throws ImportBusyError when the app has too many. */
  start(
    job: { appId: string; startedBy: string; total: number },
    run: ImportRun,
    onFinish: (job: ImportJob) => void,
  ): ImportJob;
  /** A copy of the job, if it belongs to `appId` and is still kept. */
  get(appId: string, jobId: string): ImportJob | undefined;
  /** Aborts every running job and waits for each to stop (before the database closes). */
  close(): Promise<void>;
}

export interface ImportJobOptions {
  /** Imports running at once per app; each has its own bounded concurrency towards Kii. */
  maxRunningPerApp?: number;
  /** How long a finished job stays readable. */
  keepFinishedMs?: number;
  /** Finished jobs kept at most, oldest dropped first. */
  maxFinished?: number;
  now?: () => number;
}

/**
 * The job store of CSV imports. It lives in memory: a restart forgets running and finished
 * jobs, though every verdict already reached is in the registry (the verify runner writes each
 * one as it arrives), so a re-import of the same file only repeats the lookups.
 */
export function createImportJobs(options: ImportJobOptions = {}): ImportJobs {
  const maxRunning = options.maxRunningPerApp ?? 4;
  const keepMs = options.keepFinishedMs ?? 60 * 60_000;
  const maxFinished = options.maxFinished ?? 200;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, ImportJob>();
  const running = new Map<string, { controller: AbortController; finished: Promise<void> }>();

  /** Drops finished jobs past their time, and the oldest beyond the cap (Map keeps order). */
  const prune = () => {
    const finished = [...jobs.values()].filter((job) => job.state !== 'running');
    let excess = finished.length - maxFinished;
    for (const job of finished) {
      if (excess > 0 || now() - job.finishedAt! > keepMs) {
        jobs.delete(job.jobId);
        excess--;
      }
    }
  };

  return {
    start({ appId, startedBy, total }, run, onFinish) {
      prune();
      const busy = [...jobs.values()].filter((j) => j.appId === appId && j.state === 'running');
      if (busy.length >= maxRunning) {
        throw new ImportBusyError(
          `${busy.length} imports are running on app ${appId}; wait for one to finish`,
        );
      }
      const job: ImportJob = {
        jobId: randomBytes(16).toString('base64url'),
        appId,
        startedBy,
        startedAt: now(),
        state: 'running',
        total,
        done: 0,
        counts: { exists: 0, gone: 0, refused: 0, 'not-checked': 0 },
      };
      jobs.set(job.jobId, job);
      const controller = new AbortController();
      const settle = (report: VerifyReport | undefined) => {
        job.state = report ? 'done' : 'failed';
        job.finishedAt = now();
        if (report) {
          job.results = report.results;
          job.counts = report.counts;
          job.done = report.results.length;
          if (report.stoppedBy) job.stoppedBy = report.stoppedBy;
        }
        running.delete(job.jobId);
        onFinish({ ...job });
      };
      const finished = run(controller.signal, ({ done, result }) => {
        job.done = done;
        job.counts[result.status]++;
      })
        .then(settle, (error: unknown) => {
          // Not a Kii failure (those are verdicts): a bug or the database going away.
          job.stoppedBy = {
            status: 0,
            errorCode: 'INTERNAL',
            message: error instanceof Error ? error.message : String(error),
          };
          settle(undefined);
        })
        // onFinish logs its own failures; a rejection here would only crash the process.
        .catch(() => undefined);
      running.set(job.jobId, { controller, finished });
      return { ...job };
    },
    get(appId, jobId) {
      prune();
      const job = jobs.get(jobId);
      return job && job.appId === appId ? { ...job, counts: { ...job.counts } } : undefined;
    },
    async close() {
      const all = [...running.values()];
      for (const { controller } of all) controller.abort();
      await Promise.all(all.map(({ finished }) => finished));
    },
  };
}
