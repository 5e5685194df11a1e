-- revision: 79af062be5ee
-- down_revision: c143ef205bf8
-- branch_labels: oauth
-- message: create oauth_tokens table for publishing platforms
-- create_date: 2026-11-10 11:05:18

-- Branch "oauth" (developed in parallel with the "chat" branch, 0004).
-- One row per (platform, account); upserts use ON CONFLICT (platform, user_sub).
CREATE TABLE oauth_tokens (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform      text        NOT NULL,
    access_token  text        NOT NULL,
    refresh_token text,
    expires_at    timestamptz,
    user_sub      text        NOT NULL,
    user_email    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, user_sub)
);
