// `runner diff`: does the schema file agree with the schema the migrations produce at the heads?
// Prints the up SQL autogenerate would write (or the differences as JSON); exit 3 when they
// differ, for pipelines.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "exec/autogenerate.hpp"
#include "present/schema_change.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
constexpr const char* kUsage = "diff [--schema-file FILE] [--format sql|json]";
}  // namespace

std::optional<DiffOptions> parse_diff(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("schema-file", po::value<std::string>(),
                          "the desired schema (default: schema_file = in runner.ini, else "
                          "schema.sql beside it)")(
        "format", po::value<std::string>()->default_value("sql"),
        "sql (the up SQL autogenerate would write) or json (the differences)");
    const auto vm = parse_args(
        ctx, args, kUsage,
        "Compare the desired schema file with the schema the migrations produce at the heads,\n"
        "each built on a scratch database in memory. Prints the up SQL that 'runner revision\n"
        "--autogenerate' would write. Exit 0 when they agree, 3 when they differ. Never opens\n"
        "the database.",
        options);
    if (!vm) {
        return std::nullopt;
    }
    DiffOptions o;
    const auto format = (*vm)["format"].as<std::string>();
    if (format != "sql" && format != "json") {
        throw UsageError("--format takes 'sql' or 'json', not '" + format + "'\nusage: runner " +
                         kUsage);
    }
    o.json = format == "json";
    if (vm->count("schema-file") != 0) {
        o.schema_file = (*vm)["schema-file"].as<std::string>();
    }
    return o;
}

int run_diff(Context& ctx, const DiffOptions& o) {
    const RevisionGraph& graph = ctx.graph();
    const SchemaFile file = schema_file_for(ctx, o.schema_file);
    const SchemaChange change = compare_with_schema_file(graph, graph.heads(), file,
                                                         [&ctx] { return ctx.open_scratch(); }, {});
    const int code = change.differences.empty() ? kExitOk : kExitPending;
    std::vector<std::string> heads;
    for (const Rev r : graph.heads()) {
        heads.push_back(graph.id(r));
    }
    if (o.json) {
        ctx.out() << render_schema_change_json(file.path, heads, change.differences,
                                               change.plan.up.sql, change.plan.down.sql, code)
                  << "\n";
    } else if (code == kExitOk) {
        ctx.err() << agreement_line(file.path, heads) << "\n";
    } else if (change.current.dialect == SchemaDialect::kPostgres) {
        // No up SQL on PostgreSQL (autogenerate writes SQLite's rebuilds): what differs.
        ctx.raw_out() << render_differences_text(change.differences) << std::flush;
        ctx.err() << difference_line(file.path, heads, change.differences.size()) << "\n";
    } else {
        // Byte for byte: string literals in the schema may hold any character.
        ctx.raw_out() << change.plan.up.sql << std::flush;  // before the line on stderr
        ctx.err() << difference_line(file.path, heads, change.differences.size()) << "\n";
    }
    return code;
}

}  // namespace runner
