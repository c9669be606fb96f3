-- Delivery trace (a local-server extension, docs/kii-api.md §13): what happened to each push per
-- targeted installation, and each installation's MQTT connections. Both are bounded; the limits
-- and the pruning live in server/repositories/push-ledger.ts and connection-history.ts.

-- One row per push: its target, sender, send* flags and size, and the count of every outcome.
CREATE TABLE push_ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  target TEXT NOT NULL,
  sender TEXT NOT NULL,
  send_to_development INTEGER NOT NULL,
  send_to_production INTEGER NOT NULL,
  payload_bytes INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  -- When the last write to a connection settled (written, or dropped with its connection).
  settled_at INTEGER NOT NULL,
  -- Users and things the push was addressed to; targeted = one outcome per MQTT installation,
  -- plus one per addressed owner that has none.
  recipients INTEGER NOT NULL,
  targeted INTEGER NOT NULL,
  -- {"DELIVERED": n, "NOT_CONNECTED": n, ...}: every outcome, whatever rows were kept.
  outcome_counts TEXT NOT NULL,
  -- Milliseconds from the send to each write to a connection (null when nothing was written).
  write_p50_ms REAL,
  write_p99_ms REAL,
  write_max_ms REAL,
  rows_kept INTEGER NOT NULL,
  rows_omitted INTEGER NOT NULL
);
CREATE INDEX push_ledger_by_time ON push_ledger (sent_at);

-- Per-recipient outcomes of a push: every failure up to a limit, a sample of the deliveries.
CREATE TABLE push_outcomes (
  seq INTEGER PRIMARY KEY,
  push_seq INTEGER NOT NULL,
  -- Null for NO_MQTT_INSTALLATION (the owner has none).
  installation_id TEXT,
  owner_type TEXT NOT NULL CHECK (owner_type IN ('user', 'thing')),
  owner_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  -- E.g. why a connection closed before the write settled.
  detail TEXT,
  connection_id TEXT,
  transport TEXT,
  written_at INTEGER
);
CREATE INDEX push_outcomes_by_push ON push_outcomes (push_seq);
CREATE INDEX push_outcomes_by_installation ON push_outcomes (installation_id, push_seq)
  WHERE installation_id IS NOT NULL;

-- Closed MQTT connections of installations (open ones are in the broker's memory). Rows outlive
-- an uninstall, so the history still says why the last connection ended.
CREATE TABLE connection_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  installation_id TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  transport TEXT NOT NULL,
  client_address TEXT,
  connected_at INTEGER NOT NULL,
  subscribed_at INTEGER,
  closed_at INTEGER NOT NULL,
  close_reason TEXT NOT NULL,
  detail TEXT,
  took_over TEXT,
  taken_over_by TEXT
);
CREATE INDEX connection_history_by_installation ON connection_history (installation_id, seq);
