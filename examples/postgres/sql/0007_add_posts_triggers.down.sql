-- revision: 2983163e0c11
-- down_revision: 439a7d3ce21a
-- message: add posts triggers for updated_at and scheduling guard
-- create_date: 2026-11-14 13:37:52

DROP TRIGGER posts_require_scheduled_at ON posts;
DROP FUNCTION posts_require_scheduled_at();
DROP TRIGGER posts_touch_updated_at ON posts;
DROP FUNCTION posts_touch_updated_at();
