// Decides which migrations run, in which order, for upgrade/downgrade/stamp.
//
// A port of the rules in Alembic 1.8.1's RevisionMap (_parse_upgrade_target,
// _collect_upgrade_revisions, _parse_downgrade_target, _collect_downgrade_revisions) and
// ScriptDirectory._stamp_revs, expressed over applied sets. Where Alembic crashes or corrupts
// its version table (overlapping stamps, walks past base), runner refuses with an error.
#include "plan/planner.hpp"

#include <algorithm>

#include "plan/target.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

using Kind = RevisionError::Kind;

std::vector<Rev> members(const RevSet& set) {
    std::vector<Rev> out;
    for (Rev r = 0; r < set.size(); ++r) {
        if (set[r]) {
            out.push_back(r);
        }
    }
    return out;
}

[[noreturn]] void relative_too_far(const std::string& steps_text, int steps) {
    throw RevisionError(Kind::kRelativeTooFar, "Relative revision " + steps_text +
                                                   " didn't produce " +
                                                   std::to_string(std::abs(steps)) + " migrations");
}

// Alembic's overlap check: no requested revision may be an ancestor of another.
void check_no_overlap(const RevisionGraph& graph, const std::vector<Rev>& requested) {
    for (const Rev t : requested) {
        const RevSet anc = graph.ancestors({t}, true);
        std::vector<std::string> overlaps;
        for (const Rev o : requested) {
            if (o != t && anc[o]) {
                overlaps.push_back(graph.id(o));
            }
        }
        if (!overlaps.empty()) {
            throw RevisionError(Kind::kOverlap, "Requested revision " + graph.id(t) +
                                                    " overlaps with other requested revisions " +
                                                    join(overlaps, ", "));
        }
    }
}

}  // namespace

std::vector<Rev> resolve_upgrade_targets(const RevisionGraph& graph, const VersionState& state,
                                         std::string_view target, bool clamp) {
    const auto rel = parse_relative(target);
    if (!rel) {
        return graph.get_revisions(target);
    }
    const std::optional<std::string_view> branch =
        rel->branch ? std::optional<std::string_view>(*rel->branch) : std::nullopt;
    if (branch) {
        graph.resolve_branch(*branch, target);  // unknown: an error even where unused
    }
    if (rel->steps > 0 && !rel->symbol) {
        std::vector<std::optional<Rev>> start;
        for (const Rev r : state.rows) {
            start.emplace_back(r);
        }
        if (branch) {
            start.clear();
            for (const Rev r : graph.filter_for_lineage(state.rows, *branch)) {
                start.emplace_back(r);
            }
            if (start.empty()) {
                // The branch has no row: start from its newest applied revision, or from base.
                const auto active = graph.filter_for_lineage(members(state.applied), *branch);
                RevSet below(graph.size(), 0);
                for (const Rev a : active) {
                    for (const Rev p : graph.normalized_parents(a)) {
                        below[p] = 1;
                    }
                }
                for (const Rev a : active) {
                    if (!below[a]) {
                        start.emplace_back(a);
                    }
                }
            }
        }
        if (start.empty()) {
            start.emplace_back(std::nullopt);
        }
        if (start.size() > 1) {
            throw RevisionError(Kind::kAmbiguousUpgrade,
                                "Ambiguous upgrade from multiple current revisions");
        }
        const auto w = graph.walk(start.front(), rel->steps, branch, clamp);
        if (w.kind != WalkResult::Kind::kRevision) {
            relative_too_far(rel->steps_text, rel->steps);
        }
        return {w.rev};
    }
    if (!rel->symbol) {
        relative_too_far(rel->steps_text, rel->steps);  // upgrade -N: not an upgrade
    }
    WalkResult w;
    if (rel->steps > 0) {
        w = graph.walk(graph.get_revision(*rel->symbol), rel->steps, branch, clamp);
    } else {
        const auto start =
            graph.get_revision(branch ? std::string(*branch) + "@" + *rel->symbol : *rel->symbol);
        w = graph.walk(start, rel->steps, {}, clamp);
    }
    if (w.kind != WalkResult::Kind::kRevision) {
        throw RevisionError(Kind::kWalkedTooFar, "Walked too far");
    }
    return {w.rev};
}

namespace {

// "A (message) and B (message); name the one to walk down from: 'runner downgrade A@-1' or ...".
std::string walk_from_which(const RevisionGraph& graph, const std::vector<Rev>& rows,
                            const std::string& steps_text) {
    std::vector<std::string> names, commands;
    for (const Rev r : rows) {
        names.push_back(graph.id(r) + " (" + printable(graph.migration(r).message, 60) + ")");
        commands.push_back("'runner downgrade " + graph.id(r) + "@" + steps_text + "'");
    }
    return join(names, " and ") + "; name the one to walk down from: " + join(commands, " or ");
}

struct DowngradeTarget {
    std::optional<std::string> branch;
    std::optional<Rev> revision;  // nullopt: base
};

DowngradeTarget downgrade_target(const RevisionGraph& graph, const VersionState& state,
                                 std::string_view target) {
    if (const auto rel = parse_relative(target)) {
        const std::optional<std::string_view> branch =
            rel->branch ? std::optional<std::string_view>(*rel->branch) : std::nullopt;
        if (branch) {
            graph.resolve_branch(*branch, target);  // unknown: an error even where unused
        }
        if (rel->steps >= 0 && !rel->symbol) {
            relative_too_far(rel->steps_text, rel->steps);  // downgrade +N: not a downgrade
        }
        if (rel->steps >= 0) {
            const auto w = graph.walk(graph.get_revision(*rel->symbol), rel->steps, branch);
            if (w.kind != WalkResult::Kind::kRevision) {
                throw RevisionError(Kind::kWalkedTooFar, "Walked too far");
            }
            return {rel->branch, w.rev};
        }
        std::optional<std::string> walk_branch = rel->branch;
        std::string symbol;
        if (rel->symbol) {
            symbol = *rel->symbol;
        } else if (branch) {
            auto on_branch = graph.filter_for_lineage(state.rows, *branch);
            if (on_branch.empty()) {
                on_branch = graph.filter_for_lineage(graph.current_heads(state.rows), *branch);
            }
            if (on_branch.empty()) {
                relative_too_far(rel->steps_text, rel->steps);
            }
            if (on_branch.size() > 1) {
                throw RevisionError(Kind::kAmbiguousWalk,
                                    "Ambiguous walk: branch '" + std::string(*branch) +
                                        "' has several current revisions, " +
                                        walk_from_which(graph, on_branch, rel->steps_text));
            }
            symbol = graph.id(on_branch.front());
        } else {
            if (state.rows.empty()) {
                relative_too_far(rel->steps_text, rel->steps);
            }
            if (state.rows.size() > 1) {
                // Alembic walks from whichever row its SELECT returns first and warns that
                // this "will be disallowed"; runner refuses and says how to choose.
                throw RevisionError(Kind::kAmbiguousWalk,
                                    "downgrade " + rel->steps_text +
                                        " is ambiguous: the database has several heads, " +
                                        walk_from_which(graph, state.rows, rel->steps_text));
            }
            symbol = graph.id(state.rows.front());
            walk_branch = symbol;
        }
        const auto start = graph.get_revision(walk_branch ? *walk_branch + "@" + symbol : symbol);
        const auto w = graph.walk(start, rel->steps);
        if (w.kind == WalkResult::Kind::kNone) {
            if (!rel->symbol) {
                relative_too_far(rel->steps_text, rel->steps);
            }
            throw RevisionError(Kind::kWalkedTooFar, "Walked too far");
        }
        DowngradeTarget out{walk_branch, std::nullopt};
        if (w.kind == WalkResult::Kind::kRevision) {
            out.revision = w.rev;
        }
        return out;
    }
    const auto at = target.rfind('@');
    DowngradeTarget out;
    std::string_view symbol = target;
    if (at != std::string_view::npos) {
        if (at > 0) {
            out.branch = std::string(target.substr(0, at));
            graph.resolve_branch(*out.branch, target);  // `typo@base` must not mean base
        }
        symbol = target.substr(at + 1);
    }
    out.revision = graph.get_revision(symbol);
    return out;
}

}  // namespace

VersionState state_from_applied(const RevisionGraph& graph, const std::vector<Rev>& applied) {
    VersionState state;
    state.applied = graph.ancestors(applied, true);
    state.rows = graph.rows_of(state.applied);
    std::sort(state.rows.begin(), state.rows.end(),
              [&](Rev a, Rev b) { return graph.id(a) < graph.id(b); });
    return state;
}

std::vector<Rev> parents_first(const RevisionGraph& graph, const RevSet& set) {
    std::vector<Rev> order;
    RevSet done(graph.size(), 0);
    // Iterative depth-first post-order: long chains must not exhaust the stack.
    std::vector<std::pair<Rev, std::size_t>> stack;
    // Start from the newest files so that, as in Alembic, each head's lane is emitted whole.
    for (Rev start = static_cast<Rev>(set.size()); start-- > 0;) {
        if (!set[start] || done[start]) {
            continue;
        }
        stack.emplace_back(start, 0);
        done[start] = 1;
        while (!stack.empty()) {
            auto& [r, next] = stack.back();
            const auto& ps = graph.normalized_parents(r);
            if (next < ps.size()) {
                // Later parents first: their lanes run before the first parent's, as in Alembic.
                const Rev p = ps[ps.size() - 1 - next];
                ++next;
                if (set[p] && !done[p]) {
                    done[p] = 1;
                    stack.emplace_back(p, 0);
                }
                continue;
            }
            order.push_back(r);
            stack.pop_back();
        }
    }
    return order;
}

namespace {

std::vector<Rev> upgrade_plan(const RevisionGraph& graph, const VersionState& state,
                              std::string_view target) {
    const auto targets = resolve_upgrade_targets(graph, state, target);
    check_no_overlap(graph, targets);
    RevSet needed = graph.ancestors(targets, true);
    for (Rev r = 0; r < needed.size(); ++r) {
        needed[r] = needed[r] && !state.applied[r];
    }
    return parents_first(graph, needed);
}

DowngradePlan downgrade_plan(const RevisionGraph& graph, const VersionState& state,
                             std::string_view target) {
    DowngradePlan plan;
    const auto dest = downgrade_target(graph, state, target);
    std::vector<Rev> roots = dest.revision ? graph.children(*dest.revision) : graph.bases();
    if (dest.branch && roots.size() > 1) {
        const RevSet anc = graph.ancestors({graph.resolve_branch(*dest.branch)}, false);
        std::vector<Rev> kept;
        for (const Rev r : roots) {
            if (anc[r]) {
                kept.push_back(r);
            }
        }
        if (kept.empty()) {
            throw RevisionError(Kind::kNotAncestor,
                                "Not a valid downgrade target from current heads");
        }
        roots = std::move(kept);
    }
    RevSet drop = graph.descendants(roots, true);
    bool any = false;
    for (Rev r = 0; r < drop.size(); ++r) {
        drop[r] = drop[r] && state.applied[r];
        any = any || drop[r];
    }
    if (dest.revision && !any &&
        std::find(state.rows.begin(), state.rows.end(), *dest.revision) == state.rows.end()) {
        throw RevisionError(Kind::kNotAncestor, "Destination " + std::string(target) +
                                                    " is not a valid downgrade target from "
                                                    "current head(s)");
    }
    plan.steps = parents_first(graph, drop);
    std::reverse(plan.steps.begin(), plan.steps.end());
    return plan;
}

// Where the walk in `target` could have gone on each side of the point where the graph branches,
// as commands: for an upward walk BRANCH@TARGET and the revision it reaches, for a downward walk
// the revision to go down to. Each is kept only when `works` plans it without an error.
template <typename Works>
std::string walk_advice(const RevisionGraph& graph, const AmbiguousWalkError& e,
                        std::string_view command, std::string_view target, Works&& works) {
    const auto rel = parse_relative(target);
    // Per side: the commands first offered for it, and the sides they serve.
    struct Group {
        std::vector<std::string> commands, branches;
    };
    std::vector<Group> groups;
    std::vector<std::pair<std::string, std::size_t>> offered;  // target, its group
    const auto offer = [&](const std::string& t, const std::string& branch) {
        for (const auto& [done, g] : offered) {
            if (done == t) {
                // Shared by both sides: say so, unless it would also claim the other commands.
                auto& bs = groups[g].branches;
                if (groups[g].commands.size() == 1 &&
                    std::find(bs.begin(), bs.end(), branch) == bs.end()) {
                    bs.push_back(branch);
                }
                return;
            }
        }
        if (works(t)) {
            offered.emplace_back(t, groups.size() - 1);
            groups.back().commands.push_back("'runner " + std::string(command) + " " + t + "'");
        }
    };
    for (const Rev c : e.next()) {
        // The branch: a label only this side has, else the revision itself (REV@... means
        // "the branch holding REV").
        std::string branch = graph.id(c);
        for (const auto& label : graph.labels(c)) {
            const bool shared = std::any_of(e.next().begin(), e.next().end(), [&](Rev o) {
                const auto& ls = graph.labels(o);
                return o != c && std::find(ls.begin(), ls.end(), label) != ls.end();
            });
            if (!shared) {
                branch = label;
                break;
            }
        }
        groups.push_back({{}, {branch}});
        if (e.up() && rel && !rel->branch) {
            offer(branch + "@" + std::string(target), branch);
        }
        try {
            const int rest = e.up() ? e.steps_left() - 1 : -(e.steps_left() - 1);
            const auto w = graph.walk(c, rest);
            if (w.kind == WalkResult::Kind::kRevision) {
                offer(graph.id(w.rev), branch);
            } else if (w.kind == WalkResult::Kind::kBase) {
                offer("base", branch);
            }
        } catch (const RevisionError&) {
            // The rest of the walk branches again: offer only the branch form.
        }
    }
    std::vector<std::string> advice;
    for (const auto& g : groups) {
        if (!g.commands.empty()) {
            advice.push_back(join(g.commands, " or ") + " for " + join(g.branches, " and "));
        }
    }
    if (advice.empty()) {
        return e.what();
    }
    return e.situation() + "; instead type " + join(advice, ", ");
}

template <typename Plan>
auto advising_on_walks(const RevisionGraph& graph, std::string_view command,
                       std::string_view target, Plan&& plan) -> decltype(plan(target)) {
    try {
        return plan(target);
    } catch (const AmbiguousWalkError& e) {
        throw RevisionError(Kind::kAmbiguousWalk,
                            walk_advice(graph, e, command, target, [&](const std::string& t) {
                                try {
                                    plan(t);
                                    return true;
                                } catch (const Error&) {
                                    return false;
                                }
                            }));
    }
}

}  // namespace

std::vector<Rev> plan_upgrade(const RevisionGraph& graph, const VersionState& state,
                              std::string_view target) {
    return advising_on_walks(graph, "upgrade", target,
                             [&](std::string_view t) { return upgrade_plan(graph, state, t); });
}

DowngradePlan plan_downgrade(const RevisionGraph& graph, const VersionState& state,
                             std::string_view target) {
    return advising_on_walks(graph, "downgrade", target,
                             [&](std::string_view t) { return downgrade_plan(graph, state, t); });
}

std::vector<Rev> plan_stamp(const RevisionGraph& graph, const std::vector<Rev>& rows,
                            const std::vector<std::string>& targets) {
    for (const auto& t : targets) {
        // An unknown branch is an error even when no row or target needs its lineage.
        if (const auto at = t.find('@'); at != std::string::npos && at > 0) {
            graph.resolve_branch(std::string_view(t).substr(0, at), t);
        }
    }
    // Which current rows each destination replaces: those sharing lineage with any target.
    std::vector<Rev> filtered;
    for (const auto& t : targets) {
        for (const Rev r : graph.filter_for_lineage(rows, t, true)) {
            if (std::find(filtered.begin(), filtered.end(), r) == filtered.end()) {
                filtered.push_back(r);
            }
        }
    }
    std::vector<Rev> dests;
    for (const auto& t : targets) {
        for (const Rev d : graph.get_revisions(t)) {
            if (std::find(dests.begin(), dests.end(), d) != dests.end()) {
                throw RevisionError(Kind::kOverlap,
                                    "stamp names revision " + graph.id(d) + " more than once");
            }
            dests.push_back(d);
        }
    }
    std::vector<Rev> out = rows;
    const auto erase = [&out](Rev r) {
        out.erase(std::remove(out.begin(), out.end(), r), out.end());
    };
    const auto has = [&out](Rev r) { return std::find(out.begin(), out.end(), r) != out.end(); };
    if (dests.empty()) {  // base: drop every row that shares lineage with the targets
        for (const Rev r : filtered) {
            erase(r);
        }
        return out;
    }
    for (const Rev dest : dests) {
        if (std::find(filtered.begin(), filtered.end(), dest) != filtered.end()) {
            continue;  // already a row
        }
        const RevSet desc = graph.descendants({dest}, true);
        const RevSet anc = graph.ancestors({dest}, true);
        const bool below =
            std::any_of(filtered.begin(), filtered.end(), [&](Rev r) { return desc[r] != 0; });
        const bool above =
            std::any_of(filtered.begin(), filtered.end(), [&](Rev r) { return anc[r] != 0; });
        if (below && above) {
            throw RevisionError(Kind::kOverlap, "cannot stamp " + graph.id(dest) +
                                                    ": it lies between current revisions");
        }
        if (below || above) {
            // One step from all the related rows to dest. Rows an earlier destination already
            // replaced make Alembic insert dest as a new branch instead.
            const bool rows_gone =
                std::any_of(filtered.begin(), filtered.end(), [&](Rev r) { return !has(r); });
            if (above && rows_gone && !has(dest)) {
                out.push_back(dest);
                continue;
            }
            if (has(dest)) {
                throw RevisionError(Kind::kOverlap,
                                    "stamp names revision " + graph.id(dest) + " more than once");
            }
            for (const Rev r : filtered) {
                if (!has(r)) {
                    throw RevisionError(Kind::kOverlap, "Requested revision " + graph.id(dest) +
                                                            " overlaps with other requested "
                                                            "revisions " +
                                                            graph.id(r));
                }
                erase(r);
            }
            out.push_back(dest);
            continue;
        }
        if (!has(dest)) {
            out.push_back(dest);  // an unrelated branch: a new row
        }
    }
    check_no_overlap(graph, out);
    return out;
}

}  // namespace runner

namespace runner {

std::vector<Rev> history_range(const RevisionGraph& graph, const std::vector<Rev>& rows,
                               std::string_view lower, std::string_view upper) {
    std::vector<Rev> lower_revs;
    if (lower == "current") {
        lower_revs = rows;
    } else if (!lower.empty() && lower != "base") {
        const auto rel = parse_relative(lower);
        if (rel && rel->steps < 0 && !rel->symbol && !rel->branch) {
            // -N: N steps below the heads, stopping at base rather than failing (as Alembic).
            std::vector<Rev> found;
            for (const Rev h : graph.real_heads()) {
                WalkResult at{WalkResult::Kind::kRevision, h};
                for (int i = 0; i < -rel->steps && at.kind == WalkResult::Kind::kRevision; ++i) {
                    const auto w = graph.walk(at.rev, -1);
                    if (w.kind != WalkResult::Kind::kRevision) {
                        break;
                    }
                    at = w;
                }
                found.push_back(at.rev);
            }
            lower_revs = found;
        } else {
            lower_revs = graph.get_revisions(lower);
        }
    }
    std::vector<Rev> targets;
    if (upper == "current") {
        targets = rows;
    } else {
        VersionState from;
        from.applied = graph.ancestors(lower_revs, true);
        from.rows = lower_revs;
        targets = resolve_upgrade_targets(graph, from, upper.empty() ? "heads" : upper, true);
    }
    if (const auto at = lower.find('@'); at != std::string_view::npos) {
        // A named base ("orders@base:") keeps only targets on that branch, as Alembic does.
        std::string branch(lower.substr(0, at));
        if (const auto owner = graph.get_revision(branch); owner && graph.id(*owner) == branch) {
            const auto& labels = graph.labels(*owner);
            branch = labels.size() == 1 ? labels.front() : std::string();
        }
        std::vector<Rev> kept;
        for (const Rev t : targets) {
            const auto& labels = graph.labels(t);
            if (std::find(labels.begin(), labels.end(), branch) != labels.end()) {
                kept.push_back(t);
            }
        }
        targets = std::move(kept);
    }
    check_no_overlap(graph, targets);
    const RevSet required = graph.ancestors(targets, true);
    for (const Rev l : lower_revs) {
        if (!required[l]) {
            throw RevisionError(RevisionError::Kind::kNotAncestor,
                                "Requested range " + std::string(lower) + ":" + std::string(upper) +
                                    " does not refer to ancestor/descendant revisions along the "
                                    "same branch");
        }
    }
    RevSet needs = required;
    if (!lower_revs.empty()) {
        const RevSet below = graph.ancestors(lower_revs, true);
        const RevSet above = graph.descendants(lower_revs, false);
        for (Rev r = 0; r < needs.size(); ++r) {
            needs[r] = needs[r] && above[r] && !below[r];
        }
        for (const Rev l : lower_revs) {
            needs[l] = 1;
        }
    }
    auto order = parents_first(graph, needs);
    std::reverse(order.begin(), order.end());
    return order;
}

}  // namespace runner
