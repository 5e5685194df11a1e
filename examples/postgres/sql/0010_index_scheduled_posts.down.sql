-- revision: 5f1e0c9a7b42
-- down_revision: 28811d8b1b93
-- message: index scheduled posts concurrently
-- create_date: 2026-11-24 15:30:00
-- transactional: false

DROP INDEX CONCURRENTLY IF EXISTS idx_posts_due;
