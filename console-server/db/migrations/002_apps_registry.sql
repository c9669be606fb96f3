-- Connected Kii apps (their credentials sealed, console-server/apps/credential-cipher.ts) and
-- the shared installations registry (console-server/registry/). Neither references people:
-- added_by is a plain text person ID, so these tables do not depend on how people are stored.

-- One row per connected app. Only what the app list shows is plain text; the credentials
-- (base URL, app key, client ID, client secret) are one AES-256-GCM blob whose additional
-- authenticated data is app_id, so a blob copied onto another app's row does not open.
CREATE TABLE connected_apps (
  app_id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  -- 'us', 'jp', 'sg', 'eu' or 'custom' (docs/kii-api.md §1.1).
  site TEXT NOT NULL,
  -- A display copy; the sealed base URL is the one calls use.
  base_url TEXT NOT NULL,
  sealed_credentials BLOB NOT NULL,
  added_by TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A value derived from the vault key (HMAC, not the key itself): start-up compares it so a wrong
-- key is refused with a clear message instead of failing later on every app.
CREATE TABLE vault_key_check (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  check_value BLOB NOT NULL,
  set_at INTEGER NOT NULL
);

-- Installations the team installed, looked up or imported on Kii Cloud apps, which have no
-- listing API (docs/kii-api.md §5.6). A row is known by its installation ID, by
-- deviceType:registrationID, or both once Kii has answered a lookup.
CREATE TABLE registry_installations (
  id INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  installation_id TEXT,
  registration_id TEXT,
  device_type TEXT CHECK (device_type IN ('MQTT', 'ANDROID', 'IOS', 'JPUSH')),
  owner_type TEXT CHECK (owner_type IN ('user', 'thing')),
  owner_id TEXT,
  development INTEGER CHECK (development IN (0, 1)),
  added_by TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  added_via TEXT NOT NULL CHECK (added_via IN ('install', 'lookup', 'import')),
  last_verified_at INTEGER,
  last_status TEXT CHECK (last_status IN ('exists', 'gone', 'refused')),
  -- Kii's errorCode when last_status is 'refused' (or 'gone': INSTALLATION_NOT_FOUND).
  last_error_code TEXT,
  CHECK (installation_id IS NOT NULL OR (device_type IS NOT NULL AND registration_id IS NOT NULL)),
  CHECK ((owner_type IS NULL) = (owner_id IS NULL))
);
CREATE UNIQUE INDEX registry_by_installation ON registry_installations (app_id, installation_id)
  WHERE installation_id IS NOT NULL;
CREATE UNIQUE INDEX registry_by_registration
  ON registry_installations (app_id, device_type, registration_id)
  WHERE registration_id IS NOT NULL;
-- Listing is newest first by id within an app (keyset paging on id); each filter has an index
-- ending in id so a filtered page is an index range scan too.
CREATE INDEX registry_page ON registry_installations (app_id, id);
CREATE INDEX registry_by_owner ON registry_installations (app_id, owner_id, id);
CREATE INDEX registry_by_status ON registry_installations (app_id, last_status, id);
CREATE INDEX registry_by_added_by ON registry_installations (app_id, added_by, id);
CREATE INDEX registry_by_device_type ON registry_installations (app_id, device_type, id);
