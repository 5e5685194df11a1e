INSERT INTO e (what) VALUES ('a'), ('b'), ('c'), ('d'); DELETE FROM e WHERE id > 2;
