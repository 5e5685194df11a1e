-- revision: cccc00000003
-- down_revision: bbbb00000002
-- message: drop nickname

-- Nobody ever set a nickname (checked in production on 2026-11-20).
-- lint_ignore: data-loss
ALTER TABLE users DROP COLUMN nickname;
