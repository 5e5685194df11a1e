// `runner schema [REV]`: the schema the migrations produce at REV, built on a scratch database;
// `--live`: the database's own. Deterministic SQL (or the structured model as JSON).
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/scratch_schema.hpp"
#include "schema/render.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
constexpr const char* kUsage = "schema [--live] [--format sql|json] [REV]";
}  // namespace

std::optional<SchemaOptions> parse_schema(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("live", po::bool_switch(),
                          "the schema of the database itself instead of the migrations'")(
        "format", po::value<std::string>()->default_value("sql"),
        "sql (a script that rebuilds the schema) or json (the structured model)");
    po::options_description arguments;
    arguments.add_options()("revision", po::value<std::string>(), "revision");
    po::positional_options_description positional;
    positional.add("revision", 1);
    const auto vm = parse_args(
        ctx, args, kUsage,
        "Print the schema the migrations produce at REV (default: heads; also head, a revision\n"
        "or prefix, LABEL@head, +N from base, base), built by running the up files on a scratch\n"
        "database in memory; with --live, the schema of the database. The SQL lists tables in\n"
        "dependency order, then indexes, views and triggers, each sorted by name; two databases\n"
        "with the same schema print the same bytes, and 'runner schema > schema.sql' rebuilds\n"
        "it. runner's own bookkeeping tables are left out. Never creates or changes the\n"
        "database.",
        options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    SchemaOptions o;
    o.live = (*vm)["live"].as<bool>();
    const auto format = (*vm)["format"].as<std::string>();
    if (format != "sql" && format != "text" && format != "json") {
        throw UsageError("--format takes 'sql' or 'json', not '" + format + "'\nusage: runner " +
                         kUsage);
    }
    o.json = format == "json";
    if (vm->count("revision") != 0) {
        if (o.live) {
            throw UsageError(std::string("--live prints the database's schema: it takes no REV") +
                             "\nusage: runner " + kUsage);
        }
        o.revision = (*vm)["revision"].as<std::string>();
    }
    return o;
}

int run_schema(Context& ctx, const SchemaOptions& o) {
    Schema schema;
    if (o.live) {
        schema = read_database_schema(ctx.reader());
    } else {
        const RevisionGraph& graph = ctx.graph();
        const VersionState base = state_from_applied(graph, {});
        const auto targets = with_target(
            graph, o.revision, [&] { return resolve_upgrade_targets(graph, base, o.revision); });
        auto scratch = ctx.open_scratch();
        schema = build_migrations_schema(graph, *scratch, targets);
    }
    if (o.json) {
        ctx.out() << render_schema_json(schema) << "\n";
    } else {
        // Byte for byte: string literals in the schema may hold any character.
        ctx.raw_out() << render_schema_sql(schema);
    }
    return kExitOk;
}

}  // namespace runner
