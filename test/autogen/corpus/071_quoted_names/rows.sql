INSERT INTO "order" VALUES (1, 'a', 'x y'), (2, NULL, NULL);
