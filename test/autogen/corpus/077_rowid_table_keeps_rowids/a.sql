CREATE TABLE notes (body TEXT, tag TEXT);
