CREATE TABLE inv (id INTEGER PRIMARY KEY AUTOINCREMENT, net REAL, tax REAL, gross REAL AS (net + tax) STORED); CREATE INDEX inv_gross ON inv(gross);
