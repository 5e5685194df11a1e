// What autogenerate and `runner diff` compare: the schema the migrations produce at some
// revisions and the desired schema file, each built on a scratch database of its own.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "db/database.hpp"
#include "exec/desired_schema.hpp"
#include "graph/revision_graph.hpp"
#include "schema/diff.hpp"
#include "schema/migration_plan.hpp"

namespace runner {

struct SchemaChange {
    Schema current;  // what the migrations produce at the base revisions
    Schema desired;  // what the schema file builds
    // diff_schemas(desired, current): "missing" is in the schema file and not yet migrated to,
    // "extra" is in the migrations and no longer in the schema file. Empty: they agree.
    std::vector<SchemaDifference> differences;
    // current -> desired with the renames; empty when they agree, and on PostgreSQL (the
    // planner writes SQLite's table rebuilds).
    MigrationPlan plan;
};

// A fresh, empty scratch database of the configured backend.
using ScratchOpener = std::function<std::unique_ptr<Database>()>;

// Loads the schema file first (its errors are the likelier ones, and cheap to find), then builds
// the migrations at `base` (empty: base, no revision), compares and plans. Throws the loader's
// or the executor's error, or Error for a rename hint the schemas contradict.
SchemaChange compare_with_schema_file(const RevisionGraph& graph, const std::vector<Rev>& base,
                                      const SchemaFile& file, const ScratchOpener& open_scratch,
                                      const std::vector<RenameHint>& renames);

}  // namespace runner
