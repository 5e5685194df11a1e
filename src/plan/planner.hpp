// Decides which migrations run, in which order, for upgrade/downgrade/stamp. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/revision_graph.hpp"

namespace runner {

// The database's version state as Alembic sees it: "rows" are the applied revisions that no
// other applied revision descends from, ordered by revision id (the order SQLite returns them).
struct VersionState {
    RevSet applied;         // closed under ancestry
    std::vector<Rev> rows;  // the heads of `applied`
};
VersionState state_from_applied(const RevisionGraph& graph, const std::vector<Rev>& applied);

// Revisions to apply for `upgrade TARGET`, parents first (Alembic: the target's missing
// ancestors, through merges and depends_on, and nothing more).
std::vector<Rev> plan_upgrade(const RevisionGraph& graph, const VersionState& state,
                              std::string_view target);

// Revisions to revert for `downgrade TARGET`, children first.
struct DowngradePlan {
    std::vector<Rev> steps;
};
DowngradePlan plan_downgrade(const RevisionGraph& graph, const VersionState& state,
                             std::string_view target);

// The rows after `stamp TARGETS...` (Alembic's _stamp_revs and its row bookkeeping).
std::vector<Rev> plan_stamp(const RevisionGraph& graph, const std::vector<Rev>& rows,
                            const std::vector<std::string>& targets);

// The revisions an upgrade target designates (relative forms walk from `state.rows`). With
// `clamp`, a relative walk past the last revision stops there instead of failing (history).
std::vector<Rev> resolve_upgrade_targets(const RevisionGraph& graph, const VersionState& state,
                                         std::string_view target, bool clamp = false);

// The revisions `history -r LOWER:UPPER` lists, newest first. `lower`/`upper` are symbols
// ("" means base / heads); `current` stands for `rows`.
std::vector<Rev> history_range(const RevisionGraph& graph, const std::vector<Rev>& rows,
                               std::string_view lower, std::string_view upper);

// Orders a set parents-first: every revision after all its (normalised) parents in the set.
std::vector<Rev> parents_first(const RevisionGraph& graph, const RevSet& set);

}  // namespace runner
