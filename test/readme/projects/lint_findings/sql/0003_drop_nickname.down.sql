-- revision: cccc00000003
-- down_revision: bbbb00000002
-- message: drop nickname

ALTER TABLE users ADD COLUMN nickname TEXT;
