-- revision: 2db36e5c7255
-- down_revision:
-- message: create users table for LinkedIn OAuth sign-in
-- create_date: 2026-11-02 09:15:00

-- One row per person who signed in with LinkedIn (OpenID Connect).
-- Ids are UUIDs made by the server; times are timestamptz (stored in UTC).
CREATE TABLE users (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    linkedin_sub        text        NOT NULL UNIQUE CHECK (linkedin_sub <> ''),
    email               text,
    name                text,
    profile_picture_url text,
    access_token        text,
    refresh_token       text,
    token_expires_at    timestamptz,   -- NULL = unknown
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_login_at       timestamptz
);

-- Lookups by e-mail (account linking, support tooling).
CREATE INDEX idx_users_email ON users (email);
