-- revision: 28811d8b1b93
-- down_revision: 25e087a41007
-- message: allow posts.status 'publishing' and 'cancelled'
-- create_date: 2026-11-21 10:04:11

-- Undo 0009; rebuild posts with the original CHECK list from 0003.
-- Rows using the new statuses are mapped onto the closest old status
-- so this never fails on real data ('publishing' -> 'scheduled',
-- 'cancelled' -> 'failed'; the error_message records why).
-- Runs in one transaction with foreign_keys=OFF; ids are kept.

-- Step 1. Create the table with the pre-0009 definition.
CREATE TABLE posts_old (
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

-- Step 2. Copy every row with its id, mapping the new statuses.
-- A 'publishing' post goes back to 'scheduled' so the old scheduler
-- retries it; a 'cancelled' post becomes 'failed' (never published).
INSERT INTO posts_old (id, content, platform, status, user_id, is_demo,
                       created_at, updated_at, scheduled_at, posted_at,
                       external_id, error_message)
SELECT id, content, platform,
       CASE status
           WHEN 'publishing' THEN 'scheduled'
           WHEN 'cancelled'  THEN 'failed'
           ELSE status
       END,
       user_id, is_demo, created_at, updated_at, scheduled_at, posted_at,
       external_id,
       CASE status
           WHEN 'cancelled' THEN COALESCE(error_message, 'cancelled by user')
           ELSE error_message
       END
  FROM posts;

-- Step 3. Drop the new table (with its indexes and triggers) and
-- give the old definition the name back.
DROP TABLE posts;
ALTER TABLE posts_old RENAME TO posts;

-- Step 4. Recreate the indexes.
CREATE INDEX idx_posts_user_id ON posts (user_id);
CREATE INDEX idx_posts_status_scheduled_at ON posts (status, scheduled_at);

-- Step 5. Recreate the triggers from 0007 (0007's down drops them).
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
