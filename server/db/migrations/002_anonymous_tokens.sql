-- App-scoped anonymous tokens (client_id = app ID, client_secret = app key; docs/kii-api.md §4.1/§4.2).
-- SQLite cannot widen a CHECK constraint in place, so the table is rebuilt with its rows.
CREATE TABLE tokens_new (
  token TEXT PRIMARY KEY,
  principal_type TEXT NOT NULL CHECK (principal_type IN ('admin', 'user', 'thing', 'anonymous')),
  principal_id TEXT NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL
);
INSERT INTO tokens_new (token, principal_type, principal_id, expires_at, created_at)
  SELECT token, principal_type, principal_id, expires_at, created_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_by_principal ON tokens (principal_type, principal_id);
