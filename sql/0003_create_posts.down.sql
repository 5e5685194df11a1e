-- revision: c143ef205bf8
-- down_revision: 83db9e6fae30
-- message: create posts table with draft/scheduled/posted/failed lifecycle
-- create_date: 2026-11-05 10:41:09

-- Undo 0003; drop the indexes, then the table (all posts are lost).
DROP INDEX idx_posts_status_scheduled_at;
DROP INDEX idx_posts_user_id;
DROP TABLE posts;
