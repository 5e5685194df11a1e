-- add users table
CREATE TABLE users (id int);
