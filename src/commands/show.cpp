// `runner show REV`: one revision in full.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "present/reports.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<ShowOptions> parse_show(Context& ctx, const Args& args) {
    po::options_description options("Options");
    add_format_option(options);
    po::options_description arguments;
    arguments.add_options()("rev", po::value<std::string>()->required(), "revision");
    po::positional_options_description positional;
    positional.add("rev", 1);
    const auto vm = parse_args(ctx, args, "show REV",
                               "Show a revision (or 'current', 'head', 'heads', a label) in full.",
                               options, arguments, positional);
    if (!vm) {
        return std::nullopt;
    }
    return ShowOptions{(*vm)["rev"].as<std::string>(), json_format(*vm)};
}

int run_show(Context& ctx, const ShowOptions& options) {
    const std::string& rev = options.rev;
    const RevisionGraph& graph = ctx.graph();
    std::vector<Rev> revs;
    if (rev == "current") {
        revs = graph.current_heads(ctx.state(ctx.reader()).rows);
    } else {
        revs = with_target(graph, rev, [&] { return graph.get_revisions(rev); });
    }
    const AppliedInfo info = ctx.applied_info();
    if (options.json) {
        ctx.out() << revisions_report_json(graph, "revisions", revs, &info) << "\n";
        return kExitOk;
    }
    for (const Rev r : revs) {
        ctx.out() << log_entry(graph, r, false, &info);
    }
    return kExitOk;
}

}  // namespace runner
