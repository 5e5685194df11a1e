-- revision: 83db9e6fae30
-- down_revision: 2db36e5c7255
-- message: create sessions table for cookie-based login sessions
-- create_date: 2026-11-03 14:02:37

-- The cookie holds only the session id. Deleting a user deletes all of their sessions.
CREATE TABLE sessions (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- Index the foreign key (cascade deletes and "log out everywhere").
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
-- The cleanup job deletes expired sessions; keep that a range scan.
CREATE INDEX idx_sessions_expires_at ON sessions (expires_at);
