-- revision: 79af062be5ee
-- down_revision: c143ef205bf8
-- branch_labels: oauth
-- message: create oauth_tokens table for publishing platforms
-- create_date: 2026-11-10 11:05:18

-- Branch "oauth" (developed in parallel with the "chat" branch, 0004).
-- Tokens used to publish on a platform on behalf of an account; one row
-- per (platform, account). Upserts use ON CONFLICT (platform, user_sub).
CREATE TABLE oauth_tokens (
    id            INTEGER PRIMARY KEY,
    platform      TEXT    NOT NULL,
    access_token  TEXT    NOT NULL,
    refresh_token TEXT,
    expires_at    TEXT,
    user_sub      TEXT    NOT NULL,
    user_email    TEXT,
    created_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (platform, user_sub)
);
