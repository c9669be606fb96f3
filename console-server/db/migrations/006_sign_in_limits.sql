-- Sign-in limits kept in the database (console-server/sessions/), not in memory: a restart of
-- the console server must not hand someone guessing passwords a fresh set of tries.

-- Failed sign-ins per client address and account; a row whose window has ended is dead (and
-- pruned as new failures arrive).
CREATE TABLE sign_in_failures (
  address TEXT NOT NULL,
  login TEXT NOT NULL,
  failures INTEGER NOT NULL,
  -- When the window that began with the first failure ends (ms since the epoch), and with it
  -- any lock-out.
  window_ends_at INTEGER NOT NULL,
  PRIMARY KEY (address, login)
) WITHOUT ROWID;
CREATE INDEX sign_in_failures_by_end ON sign_in_failures (window_ends_at);

-- Refused sign-ins per client address (an IPv6 /64 counts as one), whatever the login: past
-- the limit the address is throttled until the window ends, so strangers cannot fill the audit
-- trail with failed sign-ins for made-up logins.
CREATE TABLE sign_in_address_refusals (
  address TEXT PRIMARY KEY,
  refusals INTEGER NOT NULL,
  window_ends_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_address_refusals_by_end ON sign_in_address_refusals (window_ends_at);
