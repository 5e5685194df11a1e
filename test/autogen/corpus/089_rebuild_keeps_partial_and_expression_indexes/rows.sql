INSERT INTO users VALUES (1, 'ann', 'ann@x'), (2, 'bob', NULL), (3, 'cy', 'cy@x');
