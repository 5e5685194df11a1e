INSERT INTO inv (net, tax) VALUES (1, 0.5), (2, 1), (3, NULL); DELETE FROM inv WHERE id = 3;
