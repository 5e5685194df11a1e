-- revision: bbbb00000002
-- down_revision: aaaa00000001
-- message: create posts

ALTER TABLE posts DROP COLUMN published;
DROP TABLE posts;
