INSERT INTO p (id, price, qty) VALUES (1, 2.5, 2), (2, 1.0, 3);
