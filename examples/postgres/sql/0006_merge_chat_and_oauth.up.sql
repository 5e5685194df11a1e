-- revision: 439a7d3ce21a
-- down_revision: 3d8cb6574373, 79af062be5ee
-- message: merge chat and oauth branches
-- create_date: 2026-11-12 09:00:00

-- Merge point; joins the "chat" (0004) and "oauth" (0005) heads. The two
-- branches touch disjoint tables: this file intentionally contains no statements.
