CREATE TABLE t (id INTEGER PRIMARY KEY, amount INTEGER CHECK (amount >= 0)); CREATE INDEX t_q ON t(abs(amount));
