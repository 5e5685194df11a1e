INSERT INTO t VALUES (1, 4, 'x'), (2, NULL, 'y');
