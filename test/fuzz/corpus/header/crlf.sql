-- revision: abc
-- down_revision: p
-- message: crlf file

SELECT 1;
