// Builds the schema the migrations produce on a scratch database; see scratch_schema.hpp.
#include "exec/scratch_schema.hpp"

#include <ostream>

#include "exec/executor.hpp"
#include "plan/planner.hpp"

namespace runner {

std::vector<Rev> steps_to(const RevisionGraph& graph, const std::vector<Rev>& targets) {
    if (targets.empty()) {
        return {};
    }
    return parents_first(graph, graph.ancestors(targets));
}

void upgrade_scratch(const RevisionGraph& graph, Database& db, const std::vector<Rev>& targets,
                     std::ostream& progress) {
    std::vector<Rev> steps;
    for (const Rev r : steps_to(graph, targets)) {
        if (!db.bookkeeping().is_applied(graph.id(r))) {
            steps.push_back(r);
        }
    }
    Executor executor(graph, db, progress, current_identity());
    executor.run(steps, Direction::kUpgrade, RunOptions{});
}

Schema read_database_schema(Database& db) {
    if (!db.exists()) {
        return {};
    }
    SchemaCatalog* catalog = db.connection().catalog();
    if (catalog == nullptr) {
        throw Error("cannot read the schema of " + db.describe() +
                    ": runner has no schema catalog for this kind of database yet");
    }
    const BookkeepingTables& tables = db.bookkeeping().tables();
    return catalog->read_schema({tables.version, tables.log, tables.partial});
}

Schema build_migrations_schema(const RevisionGraph& graph, Database& scratch,
                               const std::vector<Rev>& targets) {
    std::ostream discard(nullptr);
    upgrade_scratch(graph, scratch, targets, discard);
    return read_database_schema(scratch);
}

}  // namespace runner
