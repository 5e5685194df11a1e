-- revision: 25e087a41007
-- down_revision: 2983163e0c11
-- message: add users.full_name, backfill it, make it NOT NULL
-- create_date: 2026-11-18 08:12:30

-- full_name is derived from name/email: nothing the old schema can hold is lost.
ALTER TABLE users DROP COLUMN full_name;
