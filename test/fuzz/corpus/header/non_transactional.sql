-- revision: 5f00dcafe001
-- down_revision: 439a7d3ce21a
-- transactional: false
-- message: reclaim space

VACUUM;
