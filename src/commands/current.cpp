// `runner current`: the database's current revision(s), one line each.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "present/reports.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<CurrentOptions> parse_current(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("verbose,v", po::bool_switch(), "show each revision in full");
    add_format_option(options);
    const auto vm = parse_args(ctx, args, "current [-v]",
                               "Show the revision(s) the database is at. Never creates or changes "
                               "the database.",
                               options);
    if (!vm) {
        return std::nullopt;
    }
    return CurrentOptions{(*vm)["verbose"].as<bool>(), json_format(*vm)};
}

int run_current(Context& ctx, const CurrentOptions& options) {
    const bool verbose = options.verbose;
    const bool json = options.json;
    const RevisionGraph& graph = ctx.graph();
    Database& db = ctx.reader();
    const VersionState state = ctx.state(db);
    if (json) {
        const AppliedInfo info = ctx.applied_info();
        const auto current = graph.current_heads(state.rows);
        const std::string database = db.describe();
        ctx.out() << revisions_report_json(graph, "current", current, &info, current, &database)
                  << "\n";
        return kExitOk;
    }
    if (verbose) {
        ctx.out() << "Current revision(s) for " << db.describe() << ":\n";
    }
    const AppliedInfo info = verbose ? ctx.applied_info() : AppliedInfo{};
    for (const Rev r : graph.current_heads(state.rows)) {
        if (verbose) {
            ctx.out() << log_entry(graph, r, false, &info);
        } else {
            ctx.out() << revision_line(graph, r, LineStyle{}) << "\n";
        }
    }
    return kExitOk;
}

}  // namespace runner
