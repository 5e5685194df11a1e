// `runner graph`: the revision DAG as Graphviz dot, Mermaid or JSON, marking what is applied.
#include <ostream>

#include "commands/commands.hpp"
#include "commands/options.hpp"
#include "present/graph_render.hpp"

namespace runner {
namespace po = boost::program_options;

std::optional<GraphOptions> parse_graph(Context& ctx, const Args& args) {
    po::options_description options("Options");
    options.add_options()("format,f", po::value<std::string>()->default_value("dot"),
                          "dot (Graphviz: runner graph | dot -Tsvg > graph.svg), mermaid, json");
    const auto vm = parse_args(
        ctx, args, "graph [--format dot|mermaid|json]",
        "Print the revision graph: heads, branch points, merge points, branch labels, depends_on "
        "edges and, when the database can be read, which revisions are applied. Never creates "
        "or changes the database.",
        options);
    if (!vm) {
        return std::nullopt;
    }
    const auto name = (*vm)["format"].as<std::string>();
    const auto format = parse_graph_format(name);
    if (!format) {
        throw UsageError("unknown graph format '" + name +
                         "' (choose dot, mermaid or json)\nusage: runner graph [--format "
                         "dot|mermaid|json]");
    }
    return GraphOptions{*format};
}

int run_graph(Context& ctx, const GraphOptions& options) {
    const RevisionGraph& graph = ctx.graph();
    const AppliedInfo info = ctx.applied_info();
    ctx.out() << render_graph(graph, options.format, info.reachable ? &info.applied : nullptr);
    return kExitOk;
}

}  // namespace runner
