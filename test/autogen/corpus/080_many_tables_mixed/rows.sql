INSERT INTO users VALUES (1, 'ann', 'ann@x'), (2, 'bob', NULL), (3, 'cy', 'cy@x');INSERT INTO tags VALUES (1, 'x'), (2, NULL); INSERT INTO user_tags VALUES (1, 1), (2, 1), (3, 2);
