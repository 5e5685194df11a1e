-- revision: 83db9e6fae30
-- down_revision: 2db36e5c7255
-- message: create sessions table for cookie-based login sessions
-- create_date: 2026-11-03 14:02:37

-- Undo 0002; all sessions are discarded (users simply log in again).
DROP INDEX idx_sessions_expires_at;
DROP INDEX idx_sessions_user_id;
DROP TABLE sessions;
