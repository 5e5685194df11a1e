CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE, theme TEXT NOT NULL DEFAULT 'light');
CREATE INDEX prefs_theme ON user_preferences(theme);
CREATE VIEW themes AS SELECT u.name, p.theme FROM users u LEFT JOIN user_preferences p ON p.user_id = u.id;
