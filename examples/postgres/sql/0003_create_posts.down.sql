-- revision: c143ef205bf8
-- down_revision: 83db9e6fae30
-- message: create posts table with draft/scheduled/posted/failed lifecycle
-- create_date: 2026-11-05 10:41:09

DROP TABLE posts;
DROP TYPE post_status;
