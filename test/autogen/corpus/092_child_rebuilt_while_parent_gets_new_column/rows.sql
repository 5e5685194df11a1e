INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1, 'a'), (2, 2, 'B');
