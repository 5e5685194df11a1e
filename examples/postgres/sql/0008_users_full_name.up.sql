-- revision: 25e087a41007
-- down_revision: 2983163e0c11
-- message: add users.full_name, backfill it, make it NOT NULL
-- create_date: 2026-11-18 08:12:30

-- Data migration: every user gets a display name that is never NULL. Add the
-- column, backfill it, then make it NOT NULL, all in this migration's transaction.
ALTER TABLE users ADD COLUMN full_name text;

-- Prefer the LinkedIn name, then the e-mail, then the (non-empty) LinkedIn subject id.
UPDATE users
   SET full_name = COALESCE(NULLIF(trim(name), ''),
                            NULLIF(trim(email), ''),
                            linkedin_sub);

ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;
