-- revision: 83db9e6fae30
-- down_revision: 2db36e5c7255
-- message: create sessions table for cookie-based login sessions
-- create_date: 2026-11-03 14:02:37

DROP TABLE sessions;
