-- revision: 1a2b3c4d5e6f
-- down_revision:
-- message: create users

DROP TABLE users;
