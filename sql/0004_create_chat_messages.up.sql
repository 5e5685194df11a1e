-- revision: 3d8cb6574373
-- down_revision: c143ef205bf8
-- branch_labels: chat
-- message: create chat_messages table for the AI writing assistant
-- create_date: 2026-11-09 16:20:44

-- Branch "chat" (developed in parallel with the "oauth" branch, 0005;
-- both branch off 0003 and are joined again by the merge 0006).
-- Conversation history between a user and the assistant.
CREATE TABLE chat_messages (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content    TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Index the foreign key; created_at as second column lets a user's
-- conversation be read in order straight from the index.
CREATE INDEX idx_chat_messages_user_id ON chat_messages (user_id, created_at);
