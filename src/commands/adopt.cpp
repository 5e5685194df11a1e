// `runner adopt`: take over a database Alembic manages, recording what alembic_version names.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/executor.hpp"
#include "present/reports.hpp"
#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
std::vector<Rev> members(const RevSet& set) {
    std::vector<Rev> out;
    for (Rev r = 0; r < set.size(); ++r) {
        if (set[r]) {
            out.push_back(r);
        }
    }
    return out;
}
}  // namespace

std::optional<AdoptOptions> parse_adopt(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("alembic-table",
                          po::value<std::string>()->default_value("alembic_version"),
                          "Alembic's version table (its version_table setting)")(
        "alembic-schema", po::value<std::string>(),
        "schema of that table (its version_table_schema); on SQLite only 'main' (the option is "
        "for PostgreSQL)")("drop-alembic-table", po::bool_switch(),
                           "drop Alembic's table in the same transaction (no way back to Alembic "
                           "without re-creating it)");
    add_format_option(options);
    const auto vm = parse_args(
        ctx, args,
        "adopt [--alembic-table NAME] [--alembic-schema NAME] [--drop-alembic-table] "
        "[--format json]",
        "Take over a database Alembic manages: record the revisions its version table names, and\n"
        "all their ancestors and depends_on, as applied (action 'adopt' in the audit log), in one\n"
        "transaction, running no migration SQL. Refuses, changing nothing, when runner already\n"
        "records something else. Alembic's table is kept unless --drop-alembic-table.",
        options);
    if (!vm) {
        return std::nullopt;
    }
    AdoptOptions o;
    o.json = json_format(*vm);
    o.alembic_table = (*vm)["alembic-table"].as<std::string>();
    o.drop_alembic_table = (*vm)["drop-alembic-table"].as<bool>();
    const std::string& table = o.alembic_table;
    if (!is_identifier(table)) {
        throw UsageError("--alembic-table '" + printable(table) +
                         "' must be a plain identifier (letters, digits, '_')");
    }
    if (vm->count("alembic-schema") != 0 && (*vm)["alembic-schema"].as<std::string>() != "main") {
        throw UsageError("--alembic-schema '" +
                         printable((*vm)["alembic-schema"].as<std::string>()) +
                         "': on SQLite Alembic's table is in the main schema (leave the option "
                         "out); other schemas are for PostgreSQL, which this runner does not "
                         "support yet");
    }
    return o;
}

int run_adopt(Context& ctx, const AdoptOptions& options) {
    const bool json = options.json;
    const std::string& table = options.alembic_table;
    const bool drop = options.drop_alembic_table;
    const RevisionGraph& graph = ctx.graph();
    ctx.set_alembic_policy(Context::AlembicPolicy::kQuiet);
    Database& db = ctx.read();
    const std::string shown = db.describe();
    const auto versions = db.bookkeeping().alembic_versions(table);
    if (!versions) {
        throw Error(db.exists() ? db.describe() + " has no table " + table +
                                      ": nothing to adopt (name Alembic's version table with "
                                      "--alembic-table)"
                                : "no database at " + db.describe() + ": nothing to adopt");
    }
    std::vector<Rev> rows;
    for (const auto& v : *versions) {
        const auto r = graph.find(v);
        if (!r || graph.id(*r) != v) {
            throw Error("Can't locate revision identified by '" + v + "': " + table + " in " +
                        db.describe() + " names it, but no migration file in '" +
                        ctx.settings().dir +
                        "' declares it; look for the Alembic revision file with revision = '" + v +
                        "' (versions/" + v +
                        "_*.py by default) and import it: scripts/alembic-import ALEMBIC_DIR " +
                        ctx.settings().dir + "; nothing was changed");
        }
        rows.push_back(*r);
    }
    const std::vector<Rev> adopted = members(graph.ancestors(rows, true));
    const auto loaded = ctx.load(db);
    const bool runner_has_records = !loaded.records.empty() || !db.bookkeeping().log().empty();
    const bool same = members(loaded.state.applied) == adopted;
    if (runner_has_records && !same) {
        throw Error(
            "refusing to adopt: runner's bookkeeping in " + db.describe() + " already records " +
            (loaded.records.empty()
                 ? std::string("nothing applied (at base)")
                 : "revision(s) " + join(graph.ids(graph.current_heads(loaded.state.rows)), ", ")) +
            ", but " + table + " says " +
            (versions->empty() ? std::string("base") : join(*versions, ", ")) +
            "; nothing was changed (runner's records are the ones runner acts on; to overwrite "
            "them use 'runner stamp --purge REV')");
    }
    const char* status = versions->empty()    ? "nothing_to_adopt"
                         : runner_has_records ? "already_adopted"
                                              : "adopted";
    const std::vector<Rev> recorded = runner_has_records ? std::vector<Rev>{} : adopted;
    if (!recorded.empty() || drop) {
        Executor(graph, ctx.writer(), ctx.err(), current_identity())
            .adopt(recorded, table, *versions, drop);
    }
    AdoptReport report;
    report.status = status;
    report.database = shown;
    report.alembic_table = table;
    report.alembic_versions = *versions;
    report.recorded = recorded;
    report.dropped = drop;
    ctx.out() << (json ? adopt_report_json(graph, report) + "\n" : adopt_report_text(report));
    return kExitOk;
}

}  // namespace runner
