CREATE TABLE users (id INTEGER PRIMARY KEY, handle TEXT, email TEXT);
CREATE TABLE audit (at INTEGER, what TEXT);
CREATE INDEX users_n ON users(handle);
CREATE VIEW user_names AS SELECT handle FROM users;
CREATE TRIGGER users_t AFTER UPDATE OF handle ON users BEGIN INSERT INTO audit VALUES (NEW.id, NEW.handle); END;
