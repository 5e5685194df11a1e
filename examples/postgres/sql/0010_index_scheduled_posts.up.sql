-- revision: 5f1e0c9a7b42
-- down_revision: 28811d8b1b93
-- message: index scheduled posts concurrently
-- create_date: 2026-11-24 15:30:00
-- transactional: false

-- posts is large and busy: build the index without locking out writes.
-- CREATE INDEX CONCURRENTLY cannot run in a transaction, hence transactional: false.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_posts_due
    ON posts (scheduled_at) WHERE status = 'scheduled';
