-- revision: abc
-- down_revision: p
SELECT 1;
