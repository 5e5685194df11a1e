-- revision: aaaa00000001
-- down_revision:
-- message: first

DROP TABLE t;
