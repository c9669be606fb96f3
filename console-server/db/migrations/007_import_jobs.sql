-- Registry CSV imports (console-server/registry/import-jobs.ts), kept in the database so
-- GET .../imports/:jobId answers after a restart. A job the server was running when it stopped
-- is marked failed (stopped_by INTERRUPTED) at the next start; finished jobs are pruned by age
-- and count (docs/team-api.md, "Installations").
CREATE TABLE import_jobs (
  job_id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  -- Login of the person who started it, and their client address (for the audit row written
  -- when it ends, which may be at the next start).
  started_by TEXT NOT NULL,
  client_address TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  total INTEGER NOT NULL,
  -- Progress: saved about once a second while running, exact once finished.
  done INTEGER NOT NULL,
  counts_json TEXT NOT NULL,
  -- One verdict per reference in file order, once finished (null for a job cut off by a crash).
  results_json TEXT,
  stopped_by_json TEXT,
  CHECK ((state = 'running') = (finished_at IS NULL))
) WITHOUT ROWID;
CREATE INDEX import_jobs_by_finish ON import_jobs (finished_at) WHERE finished_at IS NOT NULL;
