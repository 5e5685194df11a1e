CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);CREATE VIEW named AS SELECT id, name, email FROM users;
