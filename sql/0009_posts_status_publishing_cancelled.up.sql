-- revision: 28811d8b1b93
-- down_revision: 25e087a41007
-- message: allow posts.status 'publishing' and 'cancelled'
-- create_date: 2026-11-21 10:04:11

-- SQLite cannot alter a CHECK constraint, so posts is rebuilt.
-- New statuses are 'publishing' (a worker has claimed the post and is
-- calling the platform API) and 'cancelled' (the user withdrew a
-- scheduled post). Existing rows are copied unchanged.
-- The runner executes this in one transaction with foreign_keys=OFF;
-- ids are kept, and posts is only a child table (nothing references it).

-- Step 1. Create the new table; identical except for the CHECK list.
CREATE TABLE posts_new (
    id            INTEGER PRIMARY KEY,
    content       TEXT    NOT NULL,
    platform      TEXT    NOT NULL DEFAULT 'linkedin',
    status        TEXT    NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'scheduled', 'publishing',
                                            'posted', 'failed', 'cancelled')),
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    is_demo       INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    scheduled_at  TEXT,
    posted_at     TEXT,
    external_id   TEXT,   -- id returned by the platform once published
    error_message TEXT    -- last publishing error; NULL when fine
);

-- Step 2. Copy every row with its id (the old statuses are all still valid).
INSERT INTO posts_new (id, content, platform, status, user_id, is_demo,
                       created_at, updated_at, scheduled_at, posted_at,
                       external_id, error_message)
SELECT id, content, platform, status, user_id, is_demo,
       created_at, updated_at, scheduled_at, posted_at,
       external_id, error_message
  FROM posts;

-- Step 3. Drop the old table; this also drops its indexes and the
-- triggers from 0007. Then give the new table the old name.
DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;

-- Step 4. Recreate the indexes.
CREATE INDEX idx_posts_user_id ON posts (user_id);
CREATE INDEX idx_posts_status_scheduled_at ON posts (status, scheduled_at);

-- Step 5. Recreate the triggers exactly as defined in 0007.
CREATE TRIGGER posts_touch_updated_at
AFTER UPDATE ON posts
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    -- statement 1 of 1; runs once per updated row
    UPDATE posts
       SET updated_at = CURRENT_TIMESTAMP
     WHERE id = NEW.id
       AND updated_at IS NOT CURRENT_TIMESTAMP;
END;

CREATE TRIGGER posts_require_scheduled_at
BEFORE UPDATE OF status, scheduled_at ON posts
FOR EACH ROW
WHEN NEW.status = 'scheduled' AND NEW.scheduled_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'posts.scheduled_at is required for status ''scheduled''; set it first');
END;
