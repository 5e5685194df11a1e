// What autogenerate and `runner diff` compare; see autogenerate.hpp.
#include "exec/autogenerate.hpp"

#include "exec/scratch_schema.hpp"

namespace runner {

SchemaChange compare_with_schema_file(const RevisionGraph& graph, const std::vector<Rev>& base,
                                      const SchemaFile& file, const ScratchOpener& open_scratch,
                                      const std::vector<RenameHint>& renames) {
    SchemaChange change;
    {
        const std::unique_ptr<Database> scratch = open_scratch();
        const BookkeepingTables& own = scratch->bookkeeping().tables();
        change.desired =
            load_schema_file(scratch->connection(), file, {own.version, own.log, own.partial});
    }
    {
        const std::unique_ptr<Database> scratch = open_scratch();
        change.current = build_migrations_schema(graph, *scratch, base);
    }
    change.differences = diff_schemas(change.desired, change.current);
    // Even with no difference, hints are checked: a rename the schemas contradict is an error.
    // The planner writes SQLite's table rebuilds: on PostgreSQL there is no plan.
    if (change.current.dialect == SchemaDialect::kSqlite) {
        change.plan = plan_migration(change.current, change.desired, renames);
    }
    return change;
}

}  // namespace runner
