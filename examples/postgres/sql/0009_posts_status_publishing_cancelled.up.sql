-- revision: 28811d8b1b93
-- down_revision: 25e087a41007
-- message: allow posts.status 'publishing' and 'cancelled'
-- create_date: 2026-11-21 10:04:11
-- transactional: false

-- A value added to an enum cannot be used in the transaction that added it,
-- so this runs outside runner's transaction, statement by statement.
-- 'publishing': a worker has claimed the post and is calling the platform API;
-- 'cancelled': the user withdrew a scheduled post.
ALTER TYPE post_status ADD VALUE IF NOT EXISTS 'publishing' AFTER 'scheduled';
ALTER TYPE post_status ADD VALUE IF NOT EXISTS 'cancelled';
