-- revision: 28811d8b1b93
-- down_revision: 25e087a41007
-- message: allow posts.status 'publishing' and 'cancelled'
-- create_date: 2026-11-21 10:04:11

-- PostgreSQL cannot drop a value from an enum: the type is rebuilt with the
-- four values of 0003, rows using the new ones mapped onto the closest old one
-- ('publishing' -> 'scheduled', 'cancelled' -> 'failed'; error_message says why).
-- The trigger on "UPDATE OF status" must go while the column changes type.
UPDATE posts SET error_message = COALESCE(error_message, 'cancelled by user')
 WHERE status = 'cancelled';

DROP TRIGGER posts_require_scheduled_at ON posts;
CREATE TYPE post_status_old AS ENUM ('draft', 'scheduled', 'posted', 'failed');
ALTER TABLE posts ALTER COLUMN status DROP DEFAULT;
ALTER TABLE posts ALTER COLUMN status TYPE post_status_old USING (
    CASE status::text
        WHEN 'publishing' THEN 'scheduled'
        WHEN 'cancelled'  THEN 'failed'
        ELSE status::text
    END)::post_status_old;
DROP TYPE post_status;
ALTER TYPE post_status_old RENAME TO post_status;
ALTER TABLE posts ALTER COLUMN status SET DEFAULT 'draft';
CREATE TRIGGER posts_require_scheduled_at
BEFORE UPDATE OF status, scheduled_at ON posts
FOR EACH ROW EXECUTE FUNCTION posts_require_scheduled_at();
