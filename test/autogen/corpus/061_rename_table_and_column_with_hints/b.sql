CREATE TABLE persons (id INTEGER PRIMARY KEY, handle TEXT); CREATE INDEX people_nick ON persons(handle);
