-- revision: aaaa00000001
-- down_revision:
-- message: create posts

DROP TABLE posts;
