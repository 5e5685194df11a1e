CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter');
CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
