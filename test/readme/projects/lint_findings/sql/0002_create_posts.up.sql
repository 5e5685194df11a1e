-- revision: bbbb00000002
-- down_revision: aaaa00000001
-- message: create posts

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL
);
ALTER TABLE posts ADD COLUMN published INTEGER NOT NULL;
