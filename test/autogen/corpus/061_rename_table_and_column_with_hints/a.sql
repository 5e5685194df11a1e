CREATE TABLE people (id INTEGER PRIMARY KEY, nick TEXT); CREATE INDEX people_nick ON people(nick);
