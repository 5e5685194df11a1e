-- revision: 25e087a41007
-- down_revision: 2983163e0c11
-- message: add users.full_name, backfill it, make it NOT NULL
-- create_date: 2026-11-18 08:12:30

-- Data migration. Every user gets a display name, full_name, that is
-- never NULL. SQLite cannot add a NOT NULL column without a default
-- nor alter a column's constraints, so this is done in three steps.
-- The runner executes this file in one transaction with
-- foreign_keys=OFF; sessions, posts and chat_messages reference
-- users(id), and we keep every id value unchanged, so those
-- references stay valid.

-- Step 1 of 3. Add the column as nullable.
ALTER TABLE users ADD COLUMN full_name TEXT;

-- Step 2 of 3. Backfill; prefer the LinkedIn name, then the e-mail,
-- then the (always present, non-empty) LinkedIn subject id.
UPDATE users
   SET full_name = COALESCE(NULLIF(trim(name), ''),
                            NULLIF(trim(email), ''),
                            linkedin_sub);

-- Step 3 of 3. Make it NOT NULL with the table-rebuild pattern.
-- 3a. Create the new table with the final definition.
CREATE TABLE users_new (
    id                  INTEGER PRIMARY KEY,
    linkedin_sub        TEXT    NOT NULL UNIQUE CHECK (linkedin_sub <> ''),
    email               TEXT,
    name                TEXT,
    full_name           TEXT    NOT NULL,
    profile_picture_url TEXT,
    access_token        TEXT,
    refresh_token       TEXT,
    token_expires_at    TEXT,   -- ISO-8601 UTC; NULL = unknown
    created_at          TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at       TEXT
);

-- 3b. Copy every row, including id, so foreign keys still match.
INSERT INTO users_new (id, linkedin_sub, email, name, full_name,
                       profile_picture_url, access_token, refresh_token,
                       token_expires_at, created_at, last_login_at)
SELECT id, linkedin_sub, email, name, full_name,
       profile_picture_url, access_token, refresh_token,
       token_expires_at, created_at, last_login_at
  FROM users;

-- 3c. Drop the old table (its indexes go with it) and take its name.
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- 3d. Recreate the indexes of the old table.
CREATE INDEX idx_users_email ON users (email);
