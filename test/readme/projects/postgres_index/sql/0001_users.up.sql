-- revision: 1a2b3c4d5e6f
-- down_revision:
-- message: create users

CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
