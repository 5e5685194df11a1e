// `runner heads`: the heads of the migration files.
#include <ostream>

#include "commands/commands.hpp"

namespace runner {
namespace po = boost::program_options;

int cmd_heads(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("verbose,v", po::bool_switch(), "show each head in full")(
        "resolve-dependencies", po::bool_switch(),
        "hide heads that another head depends on (effective heads)");
    const auto vm = parse_args(ctx, args, "heads [-v] [--resolve-dependencies]",
                               "Show the current head revisions of the migration files.", options);
    if (!vm) {
        return kExitOk;
    }
    const RevisionGraph& graph = ctx.graph();
    const auto& heads =
        (*vm)["resolve-dependencies"].as<bool>() ? graph.real_heads() : graph.heads();
    for (const Rev r : heads) {
        if ((*vm)["verbose"].as<bool>()) {
            ctx.out() << log_entry(graph, r, false);
        } else {
            LineStyle style;
            style.include_branches = true;
            style.tree_indicators = false;
            ctx.out() << revision_line(graph, r, style) << "\n";
        }
    }
    return kExitOk;
}

}  // namespace runner
