-- revision: 79af062be5ee
-- down_revision: c143ef205bf8
-- branch_labels: oauth
-- message: create oauth_tokens table for publishing platforms
-- create_date: 2026-11-10 11:05:18

DROP TABLE oauth_tokens;
