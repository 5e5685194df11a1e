-- revision: abc
-- down_revision:
-- branch_labels: x, y
SELECT 1;
