-- People who sign in through OpenID Connect (console-server/oidc/): each is linked to the
-- provider's issuer and the subject it names them by. Never linked by e-mail: a provider may let
-- people change an address, or hand a freed one to someone else.
CREATE TABLE person_identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  -- The configured provider ID at the last sign-in (a display aid; the issuer is the key).
  provider_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_sign_in_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, subject)
) WITHOUT ROWID;
CREATE INDEX person_identities_by_person ON person_identities (person_id);
