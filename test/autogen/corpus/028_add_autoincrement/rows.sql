INSERT INTO e VALUES (1, 'a'), (7, 'b');
