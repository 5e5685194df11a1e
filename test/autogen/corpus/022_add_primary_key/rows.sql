INSERT INTO t VALUES ('a', 'A'), ('b', 'B');
