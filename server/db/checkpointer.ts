import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database';

/** How far the WAL may grow (pages) before the server's own connection checkpoints anyway. */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;

export interface CheckpointStats {
  /** Checkpoints that copied at least one frame into the database file. */
  checkpoints: number;
  /** WAL frames copied back in all. */
  frames: number;
  /** The last error the worker met, if any (the backstop then keeps the WAL bounded). */
  error?: string;
}

export interface Checkpointer {
  stats(): Promise<CheckpointStats>;
  close(): Promise<void>;
}

/**
 * Runs the worker's loop. Plain JavaScript so that it starts without the TypeScript loader; it
 * opens its own connection to the same file (WAL allows a checkpointer next to the writer).
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const stats = { checkpoints: 0, frames: 0 };
let done = 0;
function checkpoint() {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // checkpointed counts from the start of the WAL, which restarts after a full checkpoint.
    const copied = result.checkpointed >= done ? result.checkpointed - done : result.checkpointed;
    done = result.checkpointed === result.log ? 0 : result.checkpointed;
    if (copied > 0) { stats.checkpoints += 1; stats.frames += copied; }
  } catch (error) {
    stats.error = String(error && error.message || error);
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stats') { checkpoint(); parentPort.postMessage(stats); }
  if (message === 'stop') { clearInterval(timer); db.close(); parentPort.close(); }
});
`;

/**
 * Checkpoints the WAL from a worker thread. With synchronous = NORMAL a commit only appends to
 * the WAL; the checkpoint that copies pages back fsyncs both files, and on this project's VMs
 * those fsyncs made a file-backed install cost about 300 us instead of 90 when SQLite ran them
 * on the event loop every 1,000 pages. Off the event loop they no longer hold up requests, and
 * durability is unchanged: the same checkpoints with the same syncs, only on another thread.
 * The server's own connection still checkpoints if the WAL reaches the backstop (a worker that
 * stopped, or fell behind). An in-memory database has no WAL: nothing is started.
 */
export function startCheckpointer(db: Db, intervalMs = 200): Checkpointer {
  if (db.memory) {
    return { stats: async () => ({ checkpoints: 0, frames: 0 }), close: async () => undefined };
  }
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      file: db.name,
      intervalMs,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  worker.unref();
  let failure: string | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (error) => {
    failure = error.message;
  });
  return {
    stats: () =>
      new Promise((resolve) => {
        if (failure) return resolve({ checkpoints: 0, frames: 0, error: failure });
        worker.once('message', (stats: CheckpointStats) => resolve(stats));
        worker.postMessage('stats');
      }),
    async close() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
