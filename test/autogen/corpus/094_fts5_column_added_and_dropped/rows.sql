INSERT INTO docs (rowid, title, body, draft) VALUES (3, 'one', 'first body', 'd1'), (4, 'two', 'second body', NULL);
