INSERT INTO m VALUES (1, 'abc'), (2, NULL), (3, 'x7');
