-- revision: 2db36e5c7255
-- down_revision:
-- message: create users table for LinkedIn OAuth sign-in
-- create_date: 2026-11-02 09:15:00

-- One row per person who signed in with LinkedIn (OpenID Connect).
-- linkedin_sub is the stable "sub" claim; email and name may change
-- between logins, so they are plain nullable columns; tokens are
-- refreshed on every login.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    linkedin_sub        TEXT    NOT NULL UNIQUE CHECK (linkedin_sub <> ''),
    email               TEXT,
    name                TEXT,
    profile_picture_url TEXT,
    access_token        TEXT,
    refresh_token       TEXT,
    token_expires_at    TEXT,   -- ISO-8601 UTC; NULL = unknown
    created_at          TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at       TEXT
);

-- Lookups by e-mail (account linking, support tooling).
CREATE INDEX idx_users_email ON users (email);
