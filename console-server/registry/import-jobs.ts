import { randomBytes } from 'node:crypto';
import type { ImportJobStore, StoredImportJob } from './import-job-store';
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

/** Why a job reads as failed after the server stopped under it (docs/team-api.md). */
export const INTERRUPTED: NonNullable<ImportJob['stoppedBy']> = {
  status: 0,
  errorCode: 'INTERRUPTED',
  message:
    'The console server stopped while this import was running, so it did not finish. ' +
    'Verdicts reached before that are in the registry; import the file again to check the rest.',
};

export interface ImportJobs {
  /**
   * Starts a run in the background; throws ImportBusyError when the app has too many.
   * `clientAddress` is kept for the audit row written when it ends.
   */
  start(
    job: { appId: string; startedBy: string; total: number; clientAddress: string | null },
    run: ImportRun,
    onFinish: (job: ImportJob) => void,
  ): ImportJob;
  /** A copy of the job, if it belongs to `appId` and is still kept. */
  get(appId: string, jobId: string): ImportJob | undefined;
  /**
   * Aborts every running job and waits for each to stop (before the database closes); they
   * are stored as failed with `INTERRUPTED`, like jobs a crash cut off.
   */
  close(): Promise<void>;
}

export interface ImportJobOptions {
  /** Imports running at once per app; each has its own bounded concurrency towards Kii. */
  maxRunningPerApp?: number;
  /** How long a finished job stays readable. */
  keepFinishedMs?: number;
  /** Finished jobs kept at most (all apps), oldest dropped first. */
  maxFinished?: number;
  /** Progress of a running job is written to the database at most this often. */
  saveProgressEveryMs?: number;
  now?: () => number;
}

/** Finished jobs stay readable this long (a day: an import started before a restart or lunch). */
export const KEEP_FINISHED_MS = 24 * 60 * 60_000;
/** ... and at most this many; a 10,000-row import's results are 1 to 1.4 MB of JSON. */
export const MAX_FINISHED = 50;

/**
 * The job store of CSV imports. Jobs are rows of the console server's database (migration
 * 007), so a restart keeps finished jobs and their results; a running job lives in this process
 * (its progress is saved about once a second) and is stored as failed with `INTERRUPTED` when
 * the server stops under it: at shutdown here, after a crash by `recoverInterrupted` at the
 * next start. Every verdict already reached is in the registry either way (the verify runner
 * writes each one as it arrives), so a re-import of the same file only repeats the lookups.
 */
export function createImportJobs(
  store: ImportJobStore,
  options: ImportJobOptions = {},
): ImportJobs & {
  /** At start-up: jobs a crash left `running`, now stored as failed (to be audited). */
  recoverInterrupted(): StoredImportJob[];
} {
  const maxRunning = options.maxRunningPerApp ?? 4;
  const keepMs = options.keepFinishedMs ?? KEEP_FINISHED_MS;
  const maxFinished = options.maxFinished ?? MAX_FINISHED;
  const saveEveryMs = options.saveProgressEveryMs ?? 1000;
  const now = options.now ?? Date.now;
  const running = new Map<
    string,
    { job: ImportJob; controller: AbortController; finished: Promise<void> }
  >();
  let closing = false;

  const prune = () => store.prune(now() - keepMs, maxFinished);
  const copy = (job: ImportJob): ImportJob => ({ ...job, counts: { ...job.counts } });

  return {
    recoverInterrupted() {
      const interrupted = store.interruptRunning(now(), INTERRUPTED);
      prune();
      return interrupted;
    },
    start({ appId, startedBy, total, clientAddress }, run, onFinish) {
      prune();
      const busy = [...running.values()].filter(({ job }) => job.appId === appId);
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
      store.insert(job, clientAddress);
      const controller = new AbortController();
      let savedAt = now();
      const settle = (report: VerifyReport | undefined) => {
        job.state = report ? 'done' : 'failed';
        job.finishedAt = now();
        if (report) {
          job.results = report.results;
          job.counts = report.counts;
          job.done = report.results.length;
          if (report.stoppedBy) job.stoppedBy = report.stoppedBy;
        }
        // Stopped by the shutdown: it reads as a job the server stopped under, not as done.
        if (closing && job.stoppedBy?.errorCode === 'ABORTED') {
          job.state = 'failed';
          job.stoppedBy = INTERRUPTED;
        }
        running.delete(job.jobId);
        try {
          store.finish(job);
        } finally {
          // The audit row is written even if the job's own row could not be.
          onFinish(copy(job));
        }
      };
      const finished = run(controller.signal, ({ done, result }) => {
        job.done = done;
        job.counts[result.status]++;
        if (now() - savedAt >= saveEveryMs) {
          savedAt = now();
          store.saveProgress(job);
        }
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
      running.set(job.jobId, { job, controller, finished });
      return copy(job);
    },
    get(appId, jobId) {
      const live = running.get(jobId)?.job;
      if (live) return live.appId === appId ? copy(live) : undefined;
      const stored = store.get(jobId)?.job;
      if (!stored || stored.appId !== appId) return undefined;
      // Past its time but not pruned yet (pruning runs as jobs start): gone all the same.
      if (stored.finishedAt !== undefined && now() - stored.finishedAt > keepMs) return undefined;
      return stored;
    },
    async close() {
      closing = true;
      const all = [...running.values()];
      for (const { controller } of all) controller.abort();
      await Promise.all(all.map(({ finished }) => finished));
    },
  };
}
