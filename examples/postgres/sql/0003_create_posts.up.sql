-- revision: c143ef205bf8
-- down_revision: 83db9e6fae30
-- message: create posts table with draft/scheduled/posted/failed lifecycle
-- create_date: 2026-11-05 10:41:09

-- A post moves draft -> scheduled -> posted (or failed): an enum type, so a
-- typo is an error. user_id is nullable so demo posts can exist without an owner.
CREATE TYPE post_status AS ENUM ('draft', 'scheduled', 'posted', 'failed');

CREATE TABLE posts (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content       text        NOT NULL,
    platform      text        NOT NULL DEFAULT 'linkedin',
    status        post_status NOT NULL DEFAULT 'draft',
    user_id       uuid        REFERENCES users (id) ON DELETE CASCADE,
    is_demo       boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    scheduled_at  timestamptz,
    posted_at     timestamptz,
    external_id   text,   -- id returned by the platform once published
    error_message text    -- last publishing error; NULL when fine
);

-- Index the foreign key.
CREATE INDEX idx_posts_user_id ON posts (user_id);
-- The scheduler asks "status = 'scheduled' AND scheduled_at <= now()".
CREATE INDEX idx_posts_status_scheduled_at ON posts (status, scheduled_at);
