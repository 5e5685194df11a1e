-- revision: 3d8cb6574373
-- down_revision: c143ef205bf8
-- branch_labels: chat
-- message: create chat_messages table for the AI writing assistant
-- create_date: 2026-11-09 16:20:44

-- Branch "chat" (developed in parallel with the "oauth" branch, 0005;
-- both branch off 0003 and are joined again by the merge 0006).
CREATE TABLE chat_messages (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A user's conversation is read in order straight from the index.
CREATE INDEX idx_chat_messages_user_id ON chat_messages (user_id, created_at);
