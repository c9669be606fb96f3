-- People (team members), their roles per Kii app, their sessions, and the audit trail.

-- People are disabled, never deleted: the audit trail keeps naming them.
CREATE TABLE people (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- Lower-case and immutable: audit rows name people by login.
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  -- scrypt$N$r$p$salt$key; NULL for people who may only sign in through single sign-on.
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL
);

-- One role per person per app; app_id '*' means every app.
CREATE TABLE person_roles (
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  app_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'support', 'operator', 'admin')),
  PRIMARY KEY (person_id, app_id)
) WITHOUT ROWID;

-- The cookie carries a random 256-bit session ID; only its SHA-256 digest is stored, so a copy
-- of the database does not hand out live sessions.
CREATE TABLE sessions (
  id_digest TEXT PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  client_address TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_by_person ON sessions (person_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Append-only: each row's hash covers its fields and the previous row's hash
-- (console-server/audit/audit-chain.ts), and the triggers below refuse changes.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  person TEXT,
  app_id TEXT,
  action TEXT NOT NULL,
  target TEXT,
  status INTEGER NOT NULL,
  error_code TEXT,
  client_address TEXT,
  details_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_person ON audit_log (person, seq);
CREATE INDEX audit_by_app ON audit_log (app_id, seq);
CREATE INDEX audit_by_action ON audit_log (action, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
