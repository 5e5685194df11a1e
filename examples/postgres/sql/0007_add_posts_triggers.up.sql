-- revision: 2983163e0c11
-- down_revision: 439a7d3ce21a
-- message: add posts triggers for updated_at and scheduling guard
-- create_date: 2026-11-14 13:37:52

-- Keep posts.updated_at current on every UPDATE that does not set it itself.
CREATE FUNCTION posts_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $touch$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();  -- semicolons in a dollar-quoted body are harmless
    END IF;
    RETURN NEW;
END
$touch$;

CREATE TRIGGER posts_touch_updated_at
BEFORE UPDATE ON posts
FOR EACH ROW EXECUTE FUNCTION posts_touch_updated_at();

-- A post may only become (or stay) 'scheduled' with a scheduled_at time.
CREATE FUNCTION posts_require_scheduled_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'scheduled' AND NEW.scheduled_at IS NULL THEN
        RAISE EXCEPTION 'posts.scheduled_at is required for status ''scheduled''; set it first';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER posts_require_scheduled_at
BEFORE UPDATE OF status, scheduled_at ON posts
FOR EACH ROW EXECUTE FUNCTION posts_require_scheduled_at();
