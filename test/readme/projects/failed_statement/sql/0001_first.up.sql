-- revision: aaaa00000001
-- down_revision:
-- message: first

CREATE TABLE t (id INTEGER PRIMARY KEY);
