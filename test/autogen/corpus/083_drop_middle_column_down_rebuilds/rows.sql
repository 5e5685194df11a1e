INSERT INTO t VALUES (1, 'a', 'b'), (2, NULL, 'bb');
