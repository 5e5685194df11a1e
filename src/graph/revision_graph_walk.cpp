// Walking the revision graph by relative steps (Alembic's _walk), and the heads of applied sets.
#include <algorithm>
#include <cstdlib>

#include "graph/revision_graph.hpp"
#include "util/text.hpp"

namespace runner {
void RevisionGraph::throw_ambiguous_walk(std::optional<Rev> from, bool up,
                                         const std::vector<Rev>& next, int steps_left) const {
    const auto named = [&](Rev r) {
        return id(r) + " (" +
               (labels(r).empty() ? printable(migration(r).message, 60) : join(labels(r), ", ")) +
               ")";
    };
    std::string into;
    for (std::size_t i = 0; i < next.size(); ++i) {
        into += (i == 0 ? "" : i + 1 == next.size() ? " and " : ", ") + named(next[i]);
    }
    std::string situation = "Ambiguous walk: ";
    if (!from && up) {
        situation += "going up from base, the graph starts with several roots: " + into;
    } else if (!from) {
        situation += "going down from the heads, the graph has several heads: " + into;
    } else {
        situation += id(*from) + " (" + printable(migration(*from).message, 80) + ") is a " +
                     (up ? "branch point; going up from it, the graph branches into "
                         : "merge point; going down from it, the graph branches into ") +
                     into;
    }
    throw AmbiguousWalkError(std::move(situation),
                             up ? "name a branch (LABEL@+N) or a revision instead"
                                : "name the revision to go down to instead",
                             from, up, next, steps_left);
}

WalkResult RevisionGraph::walk(std::optional<Rev> start, int steps,
                               std::optional<std::string_view> branch, bool clamp) const {
    WalkResult at;
    if (start) {
        at = {WalkResult::Kind::kRevision, *start};
    } else {
        at.kind = WalkResult::Kind::kNone;  // "None": below every root, walking up from base
    }
    const int count = std::abs(steps);
    for (int i = 0; i < count; ++i) {
        std::vector<Rev> next;
        bool to_base = false;
        if (steps > 0) {
            next = at.kind == WalkResult::Kind::kRevision ? children(at.rev) : bases_;
            if (branch) {
                next = filter_for_lineage(next, *branch);
            }
        } else if (at.kind == WalkResult::Kind::kBase) {
            next = {};
        } else {
            next = at.kind == WalkResult::Kind::kRevision ? parents(at.rev) : heads_;
            to_base = next.empty();
        }
        if (to_base) {
            at = {WalkResult::Kind::kBase, 0};
            continue;
        }
        if (next.empty()) {
            return clamp ? at : WalkResult{};
        }
        if (next.size() > 1) {
            throw_ambiguous_walk(
                at.kind == WalkResult::Kind::kRevision ? std::optional(at.rev) : std::nullopt,
                steps > 0, next, count - i);
        }
        at = {WalkResult::Kind::kRevision, next.front()};
    }
    return at;
}

std::vector<Rev> RevisionGraph::current_heads(const std::vector<Rev>& rows) const {
    const RevSet all = ancestors(rows, true);
    std::vector<Rev> out;
    for (Rev r = 0; r < nodes_.size(); ++r) {
        if (!all[r]) {
            continue;
        }
        const bool covered =
            std::any_of(children(r).begin(), children(r).end(), [&](Rev c) { return all[c] != 0; });
        if (!covered) {
            out.push_back(r);
        }
    }
    return out;
}

std::vector<Rev> RevisionGraph::rows_of(const RevSet& applied) const {
    std::vector<Rev> out;
    for (Rev r = 0; r < nodes_.size(); ++r) {
        if (!applied[r]) {
            continue;
        }
        // A row is an applied revision that no applied revision lists as a (normalised) parent.
        bool covered = false;
        for (const Rev c : nodes_[r].all_children) {
            if (applied[c]) {
                const auto& np = nodes_[c].normalized;
                if (std::find(np.begin(), np.end(), r) != np.end()) {
                    covered = true;
                    break;
                }
            }
        }
        if (!covered) {
            out.push_back(r);
        }
    }
    return out;
}

}  // namespace runner
