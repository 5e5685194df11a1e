-- revision: bbbb00000002
-- down_revision: aaaa00000001
-- message: second

DELETE FROM t;
