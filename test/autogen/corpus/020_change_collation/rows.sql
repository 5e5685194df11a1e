INSERT INTO t VALUES (1, 'Ann'), (2, 'bob');
