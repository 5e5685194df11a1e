INSERT INTO e (what) VALUES ('a'), ('b');
