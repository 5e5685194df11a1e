-- revision: aaaa00000001
-- down_revision:
-- message: create users

DROP TABLE users;
