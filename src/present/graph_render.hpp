// The revision graph as a picture or data: Graphviz dot, Mermaid, or JSON for tools. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "graph/revision_graph.hpp"

namespace runner {

enum class GraphFormat { kDot, kMermaid, kJson };

// "dot", "mermaid" or "json"; nullopt for anything else.
std::optional<GraphFormat> parse_graph_format(std::string_view name);

// Every revision with its down_revision and depends_on edges, heads, branch points, merge points
// and declared labels. `applied` marks what the database has; nullptr when it is unknown.
std::string render_graph(const RevisionGraph& graph, GraphFormat format,
                         const RevSet* applied = nullptr);

}  // namespace runner
