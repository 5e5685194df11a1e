-- revision: 25e087a41007
-- down_revision: 2983163e0c11
-- message: add users.full_name, backfill it, make it NOT NULL
-- create_date: 2026-11-18 08:12:30

-- Undo 0008; remove users.full_name with the table-rebuild pattern
-- (this restores the 0001 definition of users). full_name is derived
-- from name/email, so nothing the old schema can hold is lost.
-- foreign_keys is OFF and ids are kept, so references stay valid.

-- 1. Create the table with the pre-0008 definition.
CREATE TABLE users_old (
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

-- 2. Copy every row except full_name, keeping id.
INSERT INTO users_old (id, linkedin_sub, email, name,
                       profile_picture_url, access_token, refresh_token,
                       token_expires_at, created_at, last_login_at)
SELECT id, linkedin_sub, email, name,
       profile_picture_url, access_token, refresh_token,
       token_expires_at, created_at, last_login_at
  FROM users;

-- 3. Swap the tables.
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;

-- 4. Recreate the indexes.
CREATE INDEX idx_users_email ON users (email);
