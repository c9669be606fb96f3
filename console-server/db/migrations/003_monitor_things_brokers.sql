-- Team mode's live traffic (docs/team-api.md, "Monitors" and "Content Security Policy").

-- The console server's own monitor things: one per app and person, registered by the app admin
-- with vendorThingID kpc-monitor-<random>, given an MQTT installation, and subscribed to the
-- topics that person watches. The thing's password is sealed with the vault key
-- (apps/credential-cipher.ts sealText), bound to app_id and person. Rows outlive the app's
-- connection, as registry rows do: reconnecting the app finds its things again.
CREATE TABLE monitor_things (
  app_id TEXT NOT NULL,
  person TEXT NOT NULL,
  thing_id TEXT NOT NULL,
  vendor_thing_id TEXT NOT NULL,
  sealed_password BLOB NOT NULL,
  -- Null until the MQTT installation is made (it is made again when Kii forgot it).
  installation_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (app_id, person)
) WITHOUT ROWID;

-- The MQTT broker origins (ws://host:port, wss://host:port) Kii returned in endpoints of an
-- app. The CSP's connect-src allows exactly these for the connected apps; disconnecting an app
-- drops its rows.
CREATE TABLE broker_origins (
  app_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (app_id, origin)
) WITHOUT ROWID;
