-- revision: 2983163e0c11
-- down_revision: 439a7d3ce21a
-- message: add posts triggers for updated_at and scheduling guard
-- create_date: 2026-11-14 13:37:52

-- Undo 0007; the application must maintain updated_at itself again.
DROP TRIGGER posts_require_scheduled_at;
DROP TRIGGER posts_touch_updated_at;
