-- revision: aaaa00000001
-- down_revision:
-- message: create posts

CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT NOT NULL);
