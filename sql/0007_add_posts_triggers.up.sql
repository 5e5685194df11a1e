-- revision: 2983163e0c11
-- down_revision: 439a7d3ce21a
-- message: add posts triggers for updated_at and scheduling guard
-- create_date: 2026-11-14 13:37:52

-- Keep posts.updated_at current on every UPDATE; the application no
-- longer has to remember it. An UPDATE that sets updated_at explicitly
-- is left alone (the WHEN clause).
-- The inner UPDATE is a no-op when updated_at already equals
-- CURRENT_TIMESTAMP, so the trigger cannot recurse even with
-- PRAGMA recursive_triggers = ON; semicolons in comments are harmless.
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

-- A post may only become (or stay) 'scheduled' with a scheduled_at time.
-- The error text deliberately contains a semicolon and a quoted quote.
CREATE TRIGGER posts_require_scheduled_at
BEFORE UPDATE OF status, scheduled_at ON posts
FOR EACH ROW
WHEN NEW.status = 'scheduled' AND NEW.scheduled_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'posts.scheduled_at is required for status ''scheduled''; set it first');
END;
