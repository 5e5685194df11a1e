// `runner check`: is the database at the heads, unedited, with nothing half-done? For pipelines.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/drift.hpp"
#include "exec/scratch_schema.hpp"
#include "present/reports.hpp"
#include "schema/diff.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<CheckOptions> parse_check(Context& ctx, const Args& args) {
    po::options_description options("Options");
    add_format_option(options);
    options.add_options()("schema", po::bool_switch(),
                          "also compare the database's schema with the one the migrations "
                          "produce at its applied revisions (built on a scratch database)");
    const auto vm = parse_args(
        ctx, args, "check [--schema] [--format json]",
        "Check the database against the migration files without changing anything. Exit codes:\n"
        "  0 at the heads, nothing edited    3 migrations pending\n"
        "  4 applied migrations were edited (drift)    5 a non-transactional migration failed\n"
        "    part-way and awaits --resume or 'runner resolve'    7 (--schema) the schema differs\n"
        "    from what the migrations produce: what is extra, missing or changed is listed\n"
        "  1 error, or a database Alembic manages that runner has not adopted yet (status\n"
        "    not_adopted; see 'runner adopt'). When several apply: 4, then 5, 7, 3.",
        options);
    if (!vm) {
        return std::nullopt;
    }
    return CheckOptions{json_format(*vm), (*vm)["schema"].as<bool>()};
}

int run_check(Context& ctx, const CheckOptions& options) {
    const bool json = options.json;
    const RevisionGraph& graph = ctx.graph();
    Database& db = ctx.reader();
    ctx.set_alembic_policy(Context::AlembicPolicy::kQuiet);
    const auto loaded = ctx.load(db);
    // Alembic manages the database and runner has not adopted it: an error, not "pending".
    if (const auto& alembic = ctx.unadopted_alembic(); alembic && !alembic->empty()) {
        if (json) {
            ctx.out() << not_adopted_json(db.describe(), *alembic, ctx.unadopted_message()) << "\n";
            return kExitError;
        }
        throw Error(ctx.unadopted_message());
    }
    CheckReport report;
    report.database = db.describe();
    report.current = graph.current_heads(loaded.state.rows);
    report.pending = plan_upgrade(graph, loaded.state, "heads");
    report.drift = find_drift(graph, loaded.records);
    report.failed = loaded.partials;
    // The schema the applied revisions produce, built on a scratch database, against the live one.
    report.schema_checked = options.schema;
    if (options.schema) {
        auto scratch = ctx.open_scratch();
        const Schema expected = build_migrations_schema(graph, *scratch, loaded.state.rows);
        report.schema = diff_schemas(expected, read_database_schema(db));
    }
    const int code = !report.drift.empty()     ? kExitDrift
                     : !report.failed.empty()  ? kExitPartial
                     : !report.schema.empty()  ? kExitSchema
                     : !report.pending.empty() ? kExitPending
                                               : kExitOk;
    report.exit_code = code;
    report.status = code == kExitDrift     ? "drift"
                    : code == kExitPartial ? "failed"
                    : code == kExitSchema  ? "schema"
                    : code == kExitPending ? "pending"
                                           : "ok";
    ctx.out() << (json ? check_report_json(graph, report) + "\n"
                       : check_report_text(graph, report));
    return code;
}

}  // namespace runner
