INSERT INTO t VALUES (1, 'a1', 'b1'), (2, 'a2', NULL);
