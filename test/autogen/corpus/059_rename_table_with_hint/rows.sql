INSERT INTO people VALUES (1, 'a'), (2, 'b'); INSERT INTO pets VALUES (1, 1), (2, 2);
