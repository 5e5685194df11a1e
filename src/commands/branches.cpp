// `runner branches`: each branch point and the revisions it branches into.
#include <algorithm>
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<BranchesOptions> parse_branches(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("verbose,v", po::bool_switch(), "show each branch point in full");
    const auto vm = parse_args(ctx, args, "branches [-v]", "Show branch points.", options);
    if (!vm) {
        return std::nullopt;
    }
    return BranchesOptions{(*vm)["verbose"].as<bool>()};
}

int run_branches(Context& ctx, const BranchesOptions& options) {
    const bool verbose = options.verbose;
    const RevisionGraph& graph = ctx.graph();
    auto order = parents_first(graph, RevSet(graph.size(), 1));
    std::reverse(order.begin(), order.end());
    LineStyle point;
    point.include_branches = true;
    LineStyle child;
    child.include_branches = true;
    child.include_doc = verbose;
    for (const Rev r : order) {
        if (!graph.is_branch_point(r)) {
            continue;
        }
        ctx.out() << (verbose ? log_entry(graph, r, false) : revision_line(graph, r, point) + "\n");
        const std::string indent(graph.id(r).size(), ' ');
        for (const Rev c : graph.children(r)) {
            ctx.out() << indent << " -> " << revision_line(graph, c, child) << "\n";
        }
        ctx.out() << "\n";
    }
    return kExitOk;
}

}  // namespace runner
