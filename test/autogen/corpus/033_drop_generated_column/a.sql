CREATE TABLE p (id INTEGER PRIMARY KEY, price REAL, qty INTEGER, total REAL AS (price * qty));
