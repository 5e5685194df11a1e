INSERT INTO docs (rowid, title, body) VALUES (1, 'runs', 'the runner runs'), (7, 'jumps', 'a fox jumped'), (9, NULL, 'no title');
INSERT INTO notes VALUES (1, 'x');
