INSERT INTO t VALUES (1, 'a', 'b'), (2, 'a', 'c');
