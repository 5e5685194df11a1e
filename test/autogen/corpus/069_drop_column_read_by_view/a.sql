CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);CREATE VIEW contact AS SELECT name, email FROM users;
