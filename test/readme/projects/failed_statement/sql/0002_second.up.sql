-- revision: bbbb00000002
-- down_revision: aaaa00000001
-- message: second

INSERT INTO t VALUES (1);

INSERT INTO missing VALUES (1);
