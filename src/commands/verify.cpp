// `runner verify`: every revision up, down and up again on a scratch database (or a copy of the
// user's), reporting downs that do not undo their up, with the diff, file and revision.
#include <ostream>
#include <set>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "db/capabilities.hpp"
#include "exec/verify.hpp"
#include "plan/target.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace runner {
namespace po = boost::program_options;

namespace {
constexpr const char* kUsage = "verify [--db FILE] [-r LOWER:UPPER] [--format json]";

std::string indent(const std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        const auto end = nl == std::string::npos ? text.size() : nl;
        out += "    " + text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}
}  // namespace

std::optional<VerifyOptions> parse_verify(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("db", po::value<std::string>(),
                          "verify on a copy of this database (its data included); the file "
                          "itself is never written")(
        "rev-range,r", po::value<std::string>(),
        "only the revisions of LOWER:UPPER (as for history: base:head, a:b, a:)");
    add_format_option(options);
    const auto vm = parse_args(
        ctx, args, kUsage,
        "For every revision, parents first over every branch, merge and depends_on: run its up,\n"
        "its down, and its up again; the down must give back the schema (and, for tables that\n"
        "existed before, the rows) from before the up, and the second up the schema of the first.\n"
        "PRAGMA integrity_check and the foreign-key check run after each step. By default on a\n"
        "scratch database in memory; with --db (here or before the command), on a copy of that\n"
        "database, so that real data is exercised (revisions it has applied are skipped).\n"
        "Exit codes: 0 every revision passed, 8 at least one failed (each is listed with its\n"
        "file and what differs), 1 error.",
        options);
    if (!vm) {
        return std::nullopt;
    }
    VerifyOptions o;
    o.json = json_format(*vm);
    if (vm->count("db") != 0) {
        o.db = (*vm)["db"].as<std::string>();
    } else if (ctx.overrides().db) {
        o.db = *ctx.overrides().db;
    }
    if (vm->count("rev-range") != 0) {
        const auto range = parse_range((*vm)["rev-range"].as<std::string>());
        if (!range) {
            throw UsageError("-r takes LOWER:UPPER, not '" + (*vm)["rev-range"].as<std::string>() +
                             "'\nusage: runner " + kUsage);
        }
        o.lower = range->lower;
        o.upper = range->upper;
        o.has_range = true;
    }
    return o;
}

int run_verify(Context& ctx, const VerifyOptions& o) {
    const RevisionGraph& graph = ctx.graph();
    RevSet selected(graph.size(), 1);
    if (o.has_range) {
        selected.assign(graph.size(), 0);
        const auto revs = with_target(graph, o.lower + ":" + o.upper,
                                      [&] { return history_range(graph, {}, o.lower, o.upper); });
        for (const Rev r : revs) {
            selected[r] = 1;
        }
    }
    const std::vector<Rev> order = parents_first(graph, selected);
    DatabaseFactory fresh;
    std::string where = "a scratch database in memory";
    std::unique_ptr<Database> source;
    const std::string& version_table = ctx.settings().version_table;
    const auto on_postgres = [](Database& db) {
        const SchemaCatalog* catalog = db.connection().catalog();
        return catalog != nullptr && catalog->dialect() == SchemaDialect::kPostgres;
    };
    if (o.db) {
        OpenOptions options;
        options.version_table = version_table;
        options.lock_timeout_ms = ctx.settings().lock_timeout_seconds * 1000;
        options.schema = ctx.settings().schema;
        options.version_table_schema = ctx.settings().version_table_schema;
        options.lock_strategy = ctx.settings().lock_strategy;
        source = open_database(*o.db, OpenMode::kReadOnly, options);
        if (on_postgres(*source)) {
            // runner does not copy a PostgreSQL database: scratch ones on its server instead.
            const Connection& like = source->connection();
            fresh = [&like, &version_table] { return open_scratch_database(&like, version_table); };
            where = "a scratch database made from template0 on the server of " +
                    source->describe() + " (dropped afterwards)";
        } else {
            if (!source->exists()) {
                throw Error("verify: no database at " + source->describe() +
                            " to copy (check the path; without --db verify runs on a scratch "
                            "database)");
            }
            fresh = copies_of(*source, version_table);
            where = "a copy of " + source->describe();
        }
    } else {
        fresh = [&ctx] { return ctx.open_scratch(); };
        if (!ctx.settings().db_url.empty() && on_postgres(ctx.read())) {
            where = "a scratch database made from template0 on the server of " +
                    ctx.read().describe() + " (dropped afterwards)";
        }
    }
    VerifyReport report = verify_revisions(graph, order, fresh);
    const int code = report.problems.empty() ? kExitOk : kExitVerify;
    std::set<Rev> failed;
    for (const auto& p : report.problems) {
        failed.insert(p.rev);
    }
    if (o.json) {
        std::vector<std::string> problems, skipped;
        for (const auto& p : report.problems) {
            problems.push_back(JsonObject()
                                   .add("revision", graph.id(p.rev))
                                   .add("step", p.step)
                                   .add("path", p.path)
                                   .add("message", p.message)
                                   .add_raw("differences", render_differences_json(p.differences))
                                   .str());
        }
        for (const auto& s : report.skipped) {
            skipped.push_back(
                JsonObject().add("revision", graph.id(s.rev)).add("reason", s.reason).str());
        }
        std::vector<std::string> verified;
        for (const Rev r : report.verified) {
            verified.push_back(graph.id(r));
        }
        ctx.out() << JsonObject()
                         .add("command", "verify")
                         .add("ok", code == kExitOk)
                         .add("database", where)
                         .add_raw("verified", json_strings(verified))
                         .add_raw("skipped", json_array(skipped))
                         .add("failed", static_cast<std::int64_t>(failed.size()))
                         .add_raw("problems", json_array(problems))
                         .add("exit_code", code)
                         .str()
                  << "\n";
        return code;
    }
    for (const auto& p : report.problems) {
        const Migration& m = graph.migration(p.rev);
        ctx.out() << "FAIL " << m.revision << (m.message.empty() ? "" : " (" + m.message + ")")
                  << ", " << p.path << ": " << p.message << "\n"
                  << indent(render_differences_text(p.differences));
    }
    for (const auto& s : report.skipped) {
        ctx.out() << "skipped " << graph.id(s.rev) << ": " << s.reason << "\n";
    }
    const std::size_t n = report.verified.size();
    ctx.out() << "verify: " << n << (n == 1 ? " revision" : " revisions")
              << " (up, down, up again) on " << where << ": "
              << (failed.empty() ? "all passed" : std::to_string(failed.size()) + " failed")
              << "\n";
    return code;
}

}  // namespace runner
