INSERT INTO authors VALUES (1, 'ann'), (2, NULL); INSERT INTO books VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 1, 'c');
