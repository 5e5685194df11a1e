CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);CREATE INDEX users_email ON users(email) WHERE email LIKE '%@x';
