-- revision: abc
-- down_revision: p
-- Adds table t. Reviewed by ops.
-- depends_on: q
CREATE TABLE t (x int);
