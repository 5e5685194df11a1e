-- revision: bbbb2222
-- down_revision:
-- message: first

CREATE TABLE t (id INTEGER PRIMARY KEY);
