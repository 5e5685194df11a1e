-- revision: 2b3c4d5e6f70
-- down_revision: 1a2b3c4d5e6f
-- message: index users by email
-- transactional: false

ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (emial);
