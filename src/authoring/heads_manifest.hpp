// The heads manifest `<dir>/HEADS`: the text runner writes, and the check of a manifest against
// the heads of the migration files. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/revision_graph.hpp"

namespace runner {

// The heads of the files (no child by down_revision, as `runner heads` lists them), sorted.
std::vector<std::string> head_ids(const RevisionGraph& graph);

// The manifest for these heads: comment lines explaining it, then one id per line, sorted.
std::string render_heads_manifest(std::vector<std::string> heads);

// Checks manifest `text`, read from `path`, against the graph's heads. nullopt when they agree;
// otherwise the one-line message to show: what the file lists, what the files say, the likely
// cause and the command that fixes it. Git conflict markers get their own message.
std::optional<std::string> heads_manifest_problem(std::string_view text, const std::string& path,
                                                  const RevisionGraph& graph);

}  // namespace runner
