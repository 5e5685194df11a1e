INSERT INTO users VALUES (1, 'a', NULL), (2, 'b', 'b@x'); INSERT INTO audit VALUES (0, 's');
