-- Tokens are kept as SHA-256 digests (a copied database file holds no usable bearer token) and
-- carry the fingerprint of what issued them: the app, and for app admin and anonymous tokens
-- the credentials that were presented (server/repositories/tokens.ts). Tokens issued before this
-- migration cannot prove their issuer, so they are dropped: clients sign in again once.
DROP TABLE tokens;
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  principal_type TEXT NOT NULL CHECK (principal_type IN ('admin', 'user', 'thing', 'anonymous')),
  principal_id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX tokens_by_principal ON tokens (principal_type, principal_id);
