-- revision: 2b3c4d5e6f70
-- down_revision: 1a2b3c4d5e6f
-- message: index users by email
-- transactional: false

DROP INDEX CONCURRENTLY IF EXISTS users_email;
ALTER TABLE users DROP COLUMN email_verified;
