-- revision: aaaa00000001
-- down_revision:
-- message: create users

CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, nickname TEXT);
