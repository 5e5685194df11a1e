CREATE TABLE users (id INTEGER PRIMARY KEY, nick TEXT, email TEXT);
CREATE TABLE audit (at INTEGER, what TEXT);
CREATE INDEX users_n ON users(nick);
CREATE VIEW user_names AS SELECT nick FROM users;
CREATE TRIGGER users_t AFTER UPDATE OF nick ON users BEGIN INSERT INTO audit VALUES (NEW.id, NEW.nick); END;
