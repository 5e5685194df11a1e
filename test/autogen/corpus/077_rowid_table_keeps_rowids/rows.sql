INSERT INTO notes (rowid, body, tag) VALUES (10, 'a', 't'), (20, NULL, NULL);
