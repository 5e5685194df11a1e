-- revision: bbbb2222
-- down_revision:
-- message: first

DROP TABLE t;
