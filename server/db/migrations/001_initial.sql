-- Principals, push installations and their MQTT endpoints, topics and subscriptions.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  internal_id INTEGER NOT NULL UNIQUE,
  login_name TEXT UNIQUE,
  email TEXT UNIQUE,
  phone TEXT UNIQUE,
  display_name TEXT,
  country TEXT,
  locale TEXT,
  password_hash TEXT NOT NULL,
  custom_json TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL
);

CREATE TABLE things (
  id TEXT PRIMARY KEY,
  vendor_thing_id TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  fields_json TEXT NOT NULL DEFAULT '{}',
  online INTEGER NOT NULL DEFAULT 0,
  online_modified_at INTEGER,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL
);

CREATE TABLE tokens (
  token TEXT PRIMARY KEY,
  principal_type TEXT NOT NULL CHECK (principal_type IN ('admin', 'user', 'thing')),
  principal_id TEXT NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX tokens_by_principal ON tokens (principal_type, principal_id);

-- seq gives installations a stable creation order for keyset paging.
CREATE TABLE installations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  registration_id TEXT NOT NULL,
  device_type TEXT NOT NULL,
  development INTEGER NOT NULL,
  user_id TEXT,
  thing_id TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (device_type, registration_id),
  CHECK ((user_id IS NULL) <> (thing_id IS NULL))
);
-- Kii keeps at most one MQTT installation per owner.
CREATE UNIQUE INDEX one_mqtt_per_user ON installations (user_id) WHERE device_type = 'MQTT' AND user_id IS NOT NULL;
CREATE UNIQUE INDEX one_mqtt_per_thing ON installations (thing_id) WHERE device_type = 'MQTT' AND thing_id IS NOT NULL;
CREATE INDEX installations_by_thing ON installations (thing_id);

CREATE TABLE endpoints (
  installation_id TEXT PRIMARY KEY REFERENCES installations (id) ON DELETE CASCADE,
  username TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL,
  mqtt_topic TEXT NOT NULL UNIQUE,
  ready_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- scope_type: APP, APP_AND_USER, APP_AND_THING, APP_AND_GROUP; scope_id '' for APP.
CREATE TABLE topics (
  scope_type TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  topic_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope_type, scope_id, topic_id)
);

CREATE TABLE subscriptions (
  scope_type TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  topic_id TEXT NOT NULL,
  subscriber_type TEXT NOT NULL CHECK (subscriber_type IN ('user', 'thing')),
  subscriber_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope_type, scope_id, topic_id, subscriber_type, subscriber_id),
  FOREIGN KEY (scope_type, scope_id, topic_id) REFERENCES topics ON DELETE CASCADE
);
CREATE INDEX subscriptions_by_subscriber ON subscriptions (subscriber_type, subscriber_id);

CREATE TABLE deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  target TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipients INTEGER NOT NULL,
  payload_bytes INTEGER NOT NULL,
  sent_at INTEGER NOT NULL
);

-- Local-server extension: read-only MQTT taps on all deliveries, for the console's
-- "all traffic" view. Each tap is a client ID/topic with its own credentials.
CREATE TABLE taps (
  mqtt_topic TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
