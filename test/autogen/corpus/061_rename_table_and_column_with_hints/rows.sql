INSERT INTO people VALUES (1, 'a'), (2, 'b');
