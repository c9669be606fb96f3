import type { Db } from './database';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes queued during one turn of the event loop share one transaction, each in
 * its own savepoint, and every caller hears back only once that transaction has committed. With
 * a database file every commit appends its dirty pages to the WAL, and concurrent installs touch
 * the same table and index pages; one commit for many of them writes each shared page once.
 * A work function that throws rolls back its own savepoint only and rejects its own promise;
 * the others still commit.
 */
export function createGroupCommit(db: Db) {
  let queue: Job[] = [];
  const inSavepoint = db.transaction((work: () => unknown) => work());
  const commitAll = db.transaction((jobs: Job[]) =>
    jobs.map((job) => {
      try {
        return { value: inSavepoint(job.work) };
      } catch (error) {
        return { error };
      }
    }),
  );

  function flush(): void {
    const jobs = queue;
    queue = [];
    let outcomes: ({ value: unknown } | { error: unknown })[];
    try {
      outcomes = commitAll(jobs);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch was written.
      for (const job of jobs) job.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      if ('error' in outcome) jobs[i].reject(outcome.error);
      else jobs[i].resolve(outcome.value);
    });
  }

  return {
    /** Runs `work` inside the next group transaction; resolves with its result after the commit. */
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.push({ work, resolve: resolve as (value: unknown) => void, reject }) === 1)
          setImmediate(flush);
      });
    },
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
