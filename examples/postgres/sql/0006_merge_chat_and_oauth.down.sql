-- revision: 439a7d3ce21a
-- down_revision: 3d8cb6574373, 79af062be5ee
-- message: merge chat and oauth branches
-- create_date: 2026-11-12 09:00:00

-- Un-merging only splits the history back into two heads: no statements.
