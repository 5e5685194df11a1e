// The schema the migrations produce: built on a scratch database by the normal executor (each
// migration in its transaction, foreign keys checked), then read through the backend's catalog.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "graph/revision_graph.hpp"
#include "schema/model.hpp"

namespace runner {

// The revisions an upgrade to `targets` runs from an empty database: their ancestors (through
// depends_on), parents first. Empty `targets`: nothing (base).
std::vector<Rev> steps_to(const RevisionGraph& graph, const std::vector<Rev>& targets);

// Applies on `db` every revision `targets` needs that `db` lacks, parents first, with the normal
// executor. Progress lines go to `progress`. Throws the executor's error (file:line and what the
// database said) when a migration fails.
void upgrade_scratch(const RevisionGraph& graph, Database& db, const std::vector<Rev>& targets,
                     std::ostream& progress);

// The schema of `db` as its catalog reads it, canonicalize()d, without runner's bookkeeping
// tables. A database that does not exist reads as empty. Throws when the backend has no catalog.
Schema read_database_schema(Database& db);

// Both on `scratch` (an empty database, see open_scratch_database()): the schema the migrations
// produce at `targets` (empty: base), runner's bookkeeping excluded. Progress is discarded.
Schema build_migrations_schema(const RevisionGraph& graph, Database& scratch,
                               const std::vector<Rev>& targets);

}  // namespace runner
