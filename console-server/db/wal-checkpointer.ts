import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database';

/** The WAL size (pages) at which the console server's own connection checkpoints after all. */
export const BACKSTOP_WAL_PAGES = 10_000;

/**
 * The worker: its own connection to the database file and a PASSIVE checkpoint every
 * `everyMs` (PASSIVE never waits for the server's connection and never makes it wait). It
 * answers 'frames' with how many WAL frames it has copied back so far. Plain JavaScript: a
 * worker started from a string has no TypeScript loader.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let copied = 0;
let seen = 0;
const run = () => {
  try {
    const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
    // Counted from the WAL's start; the WAL starts over once all of it was copied back.
    copied += checkpointed >= seen ? checkpointed - seen : checkpointed;
    seen = checkpointed === log ? 0 : checkpointed;
  } catch {
    // Busy or failing: the server's own backstop checkpoint still bounds the WAL.
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'frames') {
    run();
    parentPort.postMessage(copied);
  } else if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

export interface WalCheckpointer {
  /** WAL frames the worker has copied into the database file so far. */
  copiedFrames(): Promise<number>;
  /** Stops the worker and closes its connection (before the server's own closes). */
  stop(): Promise<void>;
}

/**
 * Runs the console server's WAL checkpoints on a worker thread. With synchronous = NORMAL a
 * commit only appends to the WAL; the checkpoint that copies the pages back fsyncs the WAL and
 * the database file. SQLite runs it inside whichever commit crosses 1,000 pages, so on the event
 * loop: at 1,000 audit rows/s (about five pages each) that was a checkpoint every 0.2 s, and an
 * fsync that took long on a busy disk held every request queued behind it (docs/performance.md,
 * "Team mode"). On a worker the same checkpoints make the same syncs: durability is unchanged.
 * An in-memory database has no WAL: nothing is started. The local Kii server has the same
 * arrangement in server/db/checkpointer.ts; the console server imports nothing from server/
 * (docs/architecture.md), hence its own.
 */
export function startWalCheckpointer(db: Db, everyMs = 200): WalCheckpointer {
  if (db.memory) return { copiedFrames: async () => 0, stop: async () => undefined };
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      file: db.name,
      everyMs,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  // A checkpoint thread must not keep a process (a CLI, a spec) alive on its own.
  worker.unref();
  let ended: Error | undefined;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      ended ??= new Error('the WAL checkpoint worker has stopped');
      resolve();
    }),
  );
  // A worker that fails leaves the backstop to bound the WAL; copiedFrames() reports why.
  worker.on('error', (error) => (ended = error));
  return {
    copiedFrames: () =>
      new Promise((resolve, reject) => {
        if (ended) return reject(ended);
        worker.once('message', (frames: number) => resolve(frames));
        worker.postMessage('frames');
      }),
    async stop() {
      if (!ended) {
        // Held until it has closed its connection: an unref'd worker would let a process with
        // nothing else to do exit in the middle of this wait, before its own database closes.
        worker.ref();
        worker.postMessage('stop');
      }
      await exited;
    },
  };
}
