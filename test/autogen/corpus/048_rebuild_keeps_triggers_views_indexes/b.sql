CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0), email TEXT);CREATE TABLE audit (at INTEGER, what TEXT);
CREATE INDEX users_name ON users(name);
CREATE VIEW named AS SELECT id, name FROM users;
CREATE TRIGGER users_upd AFTER UPDATE ON users BEGIN INSERT INTO audit VALUES (NEW.id, 'upd'); END;
CREATE TRIGGER users_del BEFORE DELETE ON users BEGIN INSERT INTO audit VALUES (OLD.id, 'del'); END;
