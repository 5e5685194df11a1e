-- revision: 3d8cb6574373
-- down_revision: c143ef205bf8
-- branch_labels: chat
-- message: create chat_messages table for the AI writing assistant
-- create_date: 2026-11-09 16:20:44

DROP TABLE chat_messages;
