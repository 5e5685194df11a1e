// `runner check`: is the database at the heads, unedited, with nothing half-done? For pipelines.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/drift.hpp"
#include "exec/scratch_schema.hpp"
#include "schema/diff.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

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
            ctx.out() << JsonObject()
                             .add("status", "not_adopted")
                             .add("exit_code", kExitError)
                             .add("database", db.describe())
                             .add_raw("alembic_version", json_strings(*alembic))
                             .add("message", ctx.unadopted_message())
                             .str()
                      << "\n";
            return kExitError;
        }
        throw Error(ctx.unadopted_message());
    }
    const auto pending = plan_upgrade(graph, loaded.state, "heads");
    const auto drift = find_drift(graph, loaded.records);
    const auto& partials = loaded.partials;
    // The schema the applied revisions produce, built on a scratch database, against the live one.
    std::vector<SchemaDifference> differences;
    if (options.schema) {
        auto scratch = ctx.open_scratch();
        const Schema expected = build_migrations_schema(graph, *scratch, loaded.state.rows);
        differences = diff_schemas(expected, read_database_schema(db));
    }
    const int code = !drift.empty()         ? kExitDrift
                     : !partials.empty()    ? kExitPartial
                     : !differences.empty() ? kExitSchema
                     : !pending.empty()     ? kExitPending
                                            : kExitOk;
    const char* status = code == kExitDrift     ? "drift"
                         : code == kExitPartial ? "failed"
                         : code == kExitSchema  ? "schema"
                         : code == kExitPending ? "pending"
                                                : "ok";
    const auto ids = [&graph](const std::vector<Rev>& revs) {
        std::vector<std::string> out;
        for (const Rev r : revs) {
            out.push_back(graph.id(r));
        }
        return out;
    };
    if (json) {
        std::vector<std::string> drift_json;
        for (const auto& d : drift) {
            drift_json.push_back(JsonObject()
                                     .add("revision", graph.id(d.rev))
                                     .add("path", d.path)
                                     .add("applied_at", d.applied_at)
                                     .add("recorded_checksum", d.recorded)
                                     .add("current_checksum", d.current)
                                     .str());
        }
        std::vector<std::string> failed_json;
        for (const auto& p : partials) {
            failed_json.push_back(JsonObject()
                                      .add("revision", p.revision)
                                      .add("direction", p.direction)
                                      .add("statement", p.statement)
                                      .add("line", p.line)
                                      .add("error", p.error)
                                      .add("at", p.at)
                                      .str());
        }
        JsonObject report;
        report.add("status", status)
            .add("exit_code", code)
            .add("database", db.describe())
            .add_raw("current", json_strings(ids(graph.current_heads(loaded.state.rows))))
            .add_raw("heads", json_strings(ids(graph.heads())))
            .add_raw("pending", json_strings(ids(pending)))
            .add_raw("drift", json_array(drift_json))
            .add_raw("failed", json_array(failed_json));
        if (options.schema) {
            report.add_raw("schema", render_differences_json(differences));
        }
        ctx.out() << report.str() << "\n";
        return code;
    }
    if (code == kExitOk) {
        ctx.out() << "ok: " << db.describe() << " is at the heads ("
                  << join(ids(graph.heads()), ", ") << "), with no edited migrations"
                  << (options.schema ? ", and its schema is the one the migrations produce" : "")
                  << "\n";
    }
    if (!differences.empty()) {
        const auto current = ids(graph.current_heads(loaded.state.rows));
        ctx.out() << "schema: " << db.describe()
                  << " differs from the schema the migrations produce at its applied revisions ("
                  << (current.empty() ? std::string("base") : join(current, ", "))
                  << "); 'runner schema --live' and 'runner schema' show both whole:\n"
                  << render_differences_text(differences);
    }
    if (!drift.empty()) {
        ctx.out() << "drift: " << drift_message(graph, drift) << "\n";
    }
    for (const auto& p : partials) {
        ctx.out() << "failed: " << p.direction << " of " << p.revision << " stopped at statement "
                  << p.statement << " (line " << p.line << ") on " << p.at << " UTC: " << p.error;
        if (graph.find(p.revision)) {
            ctx.out() << "; run it again with --resume, or 'runner resolve " << p.revision << "'\n";
        } else {
            ctx.out() << "; no migration file declares " << p.revision
                      << " any more: put the database in the state you want by hand, then run "
                         "'runner resolve --forget "
                      << p.revision << "'\n";
        }
    }
    if (!pending.empty()) {
        ctx.out() << "pending: " << pending.size() << " migration"
                  << (pending.size() == 1 ? "" : "s")
                  << " not applied: " << join(ids(pending), ", ") << "\n";
    }
    return code;
}

}  // namespace runner
