-- revision: 2db36e5c7255
-- down_revision:
-- message: create users table for LinkedIn OAuth sign-in
-- create_date: 2026-11-02 09:15:00

DROP TABLE users;
