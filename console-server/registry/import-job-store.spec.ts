import { openDatabase, type Db } from '../db/database';
import { createImportJobStore } from './import-job-store';
import { createImportJobs, KEEP_FINISHED_MS, MAX_FINISHED, type ImportRun } from './import-jobs';

/** A run that verifies nothing and reports at once: enough to give the store finished jobs. */
const instantRun: ImportRun = async () => ({
  results: [{ index: 0, ref: 'inst-1', status: 'gone', httpStatus: 404 }],
  counts: { exists: 0, gone: 1, refused: 0, 'not-checked': 0 },
});

describe('import jobs kept in the database', () => {
  let db: Db;
  beforeEach(() => (db = openDatabase({ dataDir: '', inMemory: true })));
  afterEach(() => db.close());

  async function finishedJob(jobs: ReturnType<typeof createImportJobs>, appId = 'app1') {
    let resolveFinished!: (jobId: string) => void;
    const finished = new Promise<string>((resolve) => (resolveFinished = resolve));
    jobs.start(
      { appId, startedBy: 'olivia', total: 1, clientAddress: '10.0.0.1' },
      instantRun,
      (job) => resolveFinished(job.jobId),
    );
    return finished;
  }

  it('keeps finished jobs 24 hours and the newest 50 by default', () => {
    expect(KEEP_FINISHED_MS).toBe(24 * 60 * 60_000);
    expect(MAX_FINISHED).toBe(50);
  });

  it('forgets a finished job after keepFinishedMs, and beyond maxFinished the oldest first', async () => {
    const clock = { now: 1_000 };
    const jobs = createImportJobs(createImportJobStore(db), {
      keepFinishedMs: 10_000,
      maxFinished: 2,
      now: () => clock.now,
    });
    const first = await finishedJob(jobs);
    clock.now += 1;
    const second = await finishedJob(jobs);
    expect(jobs.get('app1', first)?.state).toBe('done');
    expect(jobs.get('other-app', first)).toBeUndefined();
    clock.now += 1;
    const third = await finishedJob(jobs);
    clock.now += 1;
    // Each start prunes before it runs: the newest two finished stay, and the new one.
    await finishedJob(jobs);
    const stored = db.prepare('SELECT COUNT(*) FROM import_jobs').pluck();
    expect(stored.get()).toBe(3);
    expect(jobs.get('app1', first)).toBeUndefined();
    expect(jobs.get('app1', second)?.state).toBe('done');
    expect(jobs.get('app1', third)?.results).toEqual([
      { index: 0, ref: 'inst-1', status: 'gone', httpStatus: 404 },
    ]);
    // Past its time, a job reads as gone even before a prune removes its row.
    clock.now += 10_000;
    expect(jobs.get('app1', third)).toBeUndefined();
  });

  it('marks jobs left running (a crash) failed with INTERRUPTED at the next start', () => {
    const store = createImportJobStore(db);
    const crashed = {
      jobId: 'j'.repeat(22),
      appId: 'app1',
      startedBy: 'olivia',
      startedAt: 5,
      state: 'running' as const,
      total: 7,
      done: 3,
      counts: { exists: 1, gone: 2, refused: 0, 'not-checked': 0 },
    };
    store.insert(crashed, '10.0.0.1');
    // The progress saved last before the crash is what the failed job shows.
    store.saveProgress(crashed);
    const jobs = createImportJobs(store, { now: () => 100 });
    const interrupted = jobs.recoverInterrupted();
    expect(interrupted.map(({ job, clientAddress }) => [job.jobId, clientAddress])).toEqual([
      [crashed.jobId, '10.0.0.1'],
    ]);
    const job = jobs.get('app1', crashed.jobId)!;
    expect([job.state, job.finishedAt, job.done, job.stoppedBy?.errorCode]).toEqual([
      'failed',
      100,
      3,
      'INTERRUPTED',
    ]);
    expect(jobs.recoverInterrupted()).toEqual([]);
  });
});
