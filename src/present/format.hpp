// Alembic-compatible text for revisions: the one-line forms and the verbose log entry.
#pragma once

#include <optional>
#include <string>

#include "app/applied_info.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

struct LineStyle {
    bool include_branches = false;  // " (label, ...)"
    bool include_doc = false;       // ", message"
    bool include_parents = false;   // "parents -> rev"
    bool tree_indicators = true;    // " (branchpoint)", " (mergepoint)"
    bool head_indicators = true;    // " (head)", " (effective head)"
    bool current = false;           // " (current)"
};

// " (branchpoint)", " (mergepoint)", as they apply to r.
std::string point_markers(const RevisionGraph& graph, Rev r);
// " (head)" for a head (real or effective), then point_markers: the markers of
// `history --verbose` entries and of the graph picture.
std::string head_and_point_markers(const RevisionGraph& graph, Rev r);

// Alembic's Script._head_only: e.g. "1975ea83b712 -> 3f2a9c1b7d4e (head), add prefs".
std::string revision_line(const RevisionGraph& graph, Rev r, const LineStyle& style);

// Alembic's Script.log_entry, plus the down path and, when known, whether and when it ran.
std::string log_entry(const RevisionGraph& graph, Rev r, bool current,
                      const AppliedInfo* applied = nullptr);

// One revision as a JSON object (the shape README.md documents); `applied` adds what the
// database knows, `current` marks the database's current revisions.
std::string revision_json(const RevisionGraph& graph, Rev r, const AppliedInfo* applied = nullptr,
                          bool current = false);

}  // namespace runner
