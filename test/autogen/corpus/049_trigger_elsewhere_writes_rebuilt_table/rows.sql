INSERT INTO orders VALUES (1, 9.5); INSERT INTO log (msg) VALUES ('hand');
