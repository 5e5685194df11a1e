-- revision: c143ef205bf8
-- down_revision: 83db9e6fae30
-- message: create posts table with draft/scheduled/posted/failed lifecycle
-- create_date: 2026-11-05 10:41:09

-- A post moves draft -> scheduled -> posted (or failed).
-- is_demo marks seeded example posts; it is a 0/1 boolean.
-- user_id is nullable so demo posts can exist without an owner.
CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    content       TEXT    NOT NULL,
    platform      TEXT    NOT NULL DEFAULT 'linkedin',
    status        TEXT    NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'scheduled', 'posted', 'failed')),
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    is_demo       INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    scheduled_at  TEXT,
    posted_at     TEXT,
    external_id   TEXT,   -- id returned by the platform once published
    error_message TEXT    -- last publishing error; NULL when fine
);

-- Index the foreign key.
CREATE INDEX idx_posts_user_id ON posts (user_id);
-- The scheduler asks "status = 'scheduled' AND scheduled_at <= now".
CREATE INDEX idx_posts_status_scheduled_at ON posts (status, scheduled_at);
