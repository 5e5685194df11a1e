CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);CREATE UNIQUE INDEX users_email ON users(email) WHERE email IS NOT NULL; CREATE INDEX users_lname ON users(lower(name));
