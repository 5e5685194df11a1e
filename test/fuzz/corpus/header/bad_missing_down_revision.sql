-- revision: abc
SELECT 1;
