// The revision DAG built from migration headers, with Alembic's lookup and traversal rules.
//
// Semantics follow Alembic 1.8.1's RevisionMap (see ../shared/reference/alembic.md, sections 2
// and 4); where Alembic warns or crashes on a broken graph (duplicate ids, missing parents),
// runner refuses with an error naming the file and line instead.
#include "graph/revision_graph.hpp"

#include <algorithm>
#include <cstdlib>

#include "util/text.hpp"

namespace runner {
namespace {

using Kind = RevisionError::Kind;

std::string where(const Migration& m, int line) {
    return m.up_path + ":" + std::to_string(std::max(line, 1));
}

void push_unique(std::vector<Rev>& v, Rev r) {
    if (std::find(v.begin(), v.end(), r) == v.end()) {
        v.push_back(r);
    }
}

// Parses "-N" (a negative integer), as Python's int() would accept it in a symbol.
std::optional<int> negative_int(std::string_view s) {
    if (s.size() < 2 || s[0] != '-' || s.size() > 10) {
        return std::nullopt;
    }
    for (const char c : s.substr(1)) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    return -std::atoi(std::string(s.substr(1)).c_str());
}

}  // namespace

MultipleHeadsError::MultipleHeadsError(std::vector<std::string> heads, std::string argument)
    : RevisionError(Kind::kMultipleHeads,
                    "Multiple head revisions are present for given argument '" + argument + "'"),
      heads_(std::move(heads)),
      argument_(std::move(argument)) {}

RevisionGraph::RevisionGraph(std::vector<Migration> migrations) {
    nodes_.reserve(migrations.size());
    by_id_.reserve(migrations.size() * 2);
    for (auto& m : migrations) {
        const Rev r = static_cast<Rev>(nodes_.size());
        const auto [it, inserted] = by_id_.emplace(m.revision, r);
        if (!inserted) {
            const Migration& first = nodes_[it->second].m;
            throw RevisionError(Kind::kDuplicateRevision,
                                where(m, m.revision_line) + ": revision " + m.revision +
                                    " is already declared by " + where(first, first.revision_line));
        }
        nodes_.push_back(Node{std::move(m), {}, {}, {}, {}, {}, {}});
    }

    // Parents and dependencies, resolved to indexes.
    for (Rev r = 0; r < nodes_.size(); ++r) {
        Node& n = nodes_[r];
        for (const auto& down : n.m.down_revisions) {
            if (down == n.m.revision) {
                throw RevisionError(Kind::kSelfLoop, where(n.m, n.m.down_revision_line) +
                                                         ": Self-loop is detected in revisions (" +
                                                         down + ")");
            }
            const auto p = by_id_.find(down);
            if (p == by_id_.end()) {
                throw RevisionError(Kind::kMissingParent,
                                    where(n.m, n.m.down_revision_line) + ": down_revision '" +
                                        down + "' of " + n.m.revision +
                                        " is not declared by any migration file");
            }
            n.parents.push_back(p->second);
        }
    }
    for (Rev r = 0; r < nodes_.size(); ++r) {
        for (const auto& label : nodes_[r].m.branch_labels) {
            const auto owner = by_label_.find(label);
            if (owner != by_label_.end() || by_id_.count(label) != 0) {
                const Rev other = owner != by_label_.end() ? owner->second : by_id_.at(label);
                throw RevisionError(Kind::kDuplicateLabel,
                                    where(nodes_[r].m, nodes_[r].m.branch_labels_line) +
                                        ": Branch name '" + label + "' in revision " + id(r) +
                                        " already used by revision " + id(other));
            }
            by_label_.emplace(label, r);
        }
    }
    for (Rev r = 0; r < nodes_.size(); ++r) {
        Node& n = nodes_[r];
        for (const auto& dep : n.m.depends_on) {
            auto d = by_id_.find(dep);
            if (d == by_id_.end()) {
                d = by_label_.find(dep);
                if (d == by_label_.end()) {
                    throw RevisionError(Kind::kMissingDependency,
                                        where(n.m, n.m.depends_on_line) + ": depends_on '" + dep +
                                            "' of " + n.m.revision +
                                            " names no revision or branch label");
                }
            }
            if (d->second == r) {
                throw RevisionError(Kind::kDependencySelfLoop,
                                    where(n.m, n.m.depends_on_line) +
                                        ": Dependency self-loop is detected in revisions (" +
                                        n.m.revision + ")");
            }
            push_unique(n.deps, d->second);
        }
    }
    for (Rev r = 0; r < nodes_.size(); ++r) {
        for (const Rev p : nodes_[r].parents) {
            push_unique(nodes_[p].children, r);
            push_unique(nodes_[p].all_children, r);
        }
        for (const Rev d : nodes_[r].deps) {
            push_unique(nodes_[d].all_children, r);
        }
    }

    // Cycles: peel off revisions with no remaining parent (then no remaining child); whatever
    // is left lies on or between cycles. First along down_revision, then with depends_on.
    const auto find_cycle = [this](bool with_deps) {
        std::vector<std::size_t> indegree(nodes_.size()), outdegree(nodes_.size());
        std::vector<char> removed(nodes_.size(), 0);
        for (Rev r = 0; r < nodes_.size(); ++r) {
            indegree[r] = nodes_[r].parents.size() + (with_deps ? nodes_[r].deps.size() : 0);
            outdegree[r] = with_deps ? nodes_[r].all_children.size() : nodes_[r].children.size();
        }
        // A dependency on a parent counts once in all_children; count edges exactly.
        if (with_deps) {
            for (Rev r = 0; r < nodes_.size(); ++r) {
                std::vector<Rev> ups = nodes_[r].parents;
                for (const Rev d : nodes_[r].deps) {
                    push_unique(ups, d);
                }
                indegree[r] = ups.size();
            }
        }
        std::vector<Rev> todo;
        for (Rev r = 0; r < nodes_.size(); ++r) {
            if (indegree[r] == 0) {
                todo.push_back(r);
            }
        }
        while (!todo.empty()) {
            const Rev r = todo.back();
            todo.pop_back();
            removed[r] = 1;
            for (const Rev c : with_deps ? nodes_[r].all_children : nodes_[r].children) {
                if (--indegree[c] == 0) {
                    todo.push_back(c);
                }
            }
        }
        for (Rev r = 0; r < nodes_.size(); ++r) {
            if (!removed[r] && outdegree[r] == 0) {
                todo.push_back(r);
            }
        }
        // Peel sinks among the rest so only revisions on cycles remain.
        std::vector<std::size_t> live_out(nodes_.size(), 0);
        for (Rev r = 0; r < nodes_.size(); ++r) {
            if (removed[r]) {
                continue;
            }
            for (const Rev c : with_deps ? nodes_[r].all_children : nodes_[r].children) {
                live_out[r] += removed[c] ? 0 : 1;
            }
        }
        todo.clear();
        for (Rev r = 0; r < nodes_.size(); ++r) {
            if (!removed[r] && live_out[r] == 0) {
                todo.push_back(r);
            }
        }
        while (!todo.empty()) {
            const Rev r = todo.back();
            todo.pop_back();
            removed[r] = 1;
            std::vector<Rev> ups = nodes_[r].parents;
            if (with_deps) {
                for (const Rev d : nodes_[r].deps) {
                    push_unique(ups, d);
                }
            }
            for (const Rev p : ups) {
                if (!removed[p] && --live_out[p] == 0) {
                    todo.push_back(p);
                }
            }
        }
        std::vector<Rev> left;
        for (Rev r = 0; r < nodes_.size(); ++r) {
            if (!removed[r]) {
                left.push_back(r);
            }
        }
        std::sort(left.begin(), left.end(), [this](Rev a, Rev b) { return id(a) < id(b); });
        return left;
    };
    // "Cycle is detected in revisions (a, b); see <file>:<line>, ..." naming each down_revision.
    const auto cycle_message = [this](const char* what, const std::vector<Rev>& cycle, bool deps) {
        std::vector<std::string> names;
        std::vector<std::string> places;
        for (const Rev r : cycle) {
            names.push_back(id(r));
            const Migration& m = nodes_[r].m;
            places.push_back(
                where(m, deps && !m.depends_on.empty() ? m.depends_on_line : m.down_revision_line));
        }
        return std::string(what) + " (" + join(names, ", ") + "); see " + join(places, ", ");
    };
    if (const auto cycle = find_cycle(false); !cycle.empty()) {
        throw RevisionError(Kind::kCycle,
                            cycle_message("Cycle is detected in revisions", cycle, false));
    }
    if (const auto cycle = find_cycle(true); !cycle.empty()) {
        throw RevisionError(
            Kind::kDependencyCycle,
            cycle_message("Dependency cycle is detected in revisions", cycle, true));
    }

    // Normalised dependencies: drop those that a versioned ancestor already depends on.
    for (Rev r = 0; r < nodes_.size(); ++r) {
        Node& n = nodes_[r];
        n.normalized = n.parents;
        if (n.deps.empty()) {
            continue;
        }
        std::vector<Rev> deps = n.deps;
        const RevSet anc = ancestors({r}, false);
        for (Rev a = 0; a < nodes_.size() && !deps.empty(); ++a) {
            if (a == r || !anc[a]) {
                continue;
            }
            for (const Rev d : nodes_[a].deps) {
                deps.erase(std::remove(deps.begin(), deps.end(), d), deps.end());
            }
        }
        for (const Rev d : deps) {
            push_unique(n.normalized, d);
        }
    }

    for (Rev r = 0; r < nodes_.size(); ++r) {
        if (nodes_[r].children.empty()) {
            heads_.push_back(r);
        }
        if (nodes_[r].all_children.empty()) {
            real_heads_.push_back(r);
        }
        if (nodes_[r].parents.empty()) {
            bases_.push_back(r);
        }
    }

    // Label propagation (Alembic's _add_branches): a label covers its revision and every
    // descendant by down_revision; when those form one unbranched, unmerged chain, it also
    // covers ancestors down to the nearest branch point, merge point or root.
    for (const auto& [label, owner] : by_label_) {
        const RevSet desc = descendants({owner}, false);
        bool chain = true;
        for (Rev r = 0; r < nodes_.size(); ++r) {
            if (desc[r]) {
                nodes_[r].labels.push_back(label);
                const bool stops = nodes_[r].children.size() > 1 ||
                                   nodes_[r].all_children.size() > 1 ||
                                   nodes_[r].parents.size() > 1;
                chain = chain && !stops;
            }
        }
        if (!chain || nodes_[owner].parents.empty()) {
            continue;
        }
        Rev p = nodes_[owner].parents.front();
        while (nodes_[p].all_children.size() <= 1 && nodes_[p].parents.size() <= 1) {
            nodes_[p].labels.push_back(label);
            if (nodes_[p].parents.empty()) {
                break;
            }
            p = nodes_[p].parents.front();
        }
    }
    for (auto& n : nodes_) {
        std::sort(n.labels.begin(), n.labels.end());
        n.labels.erase(std::unique(n.labels.begin(), n.labels.end()), n.labels.end());
    }

    for (const auto& [key, r] : by_id_) {
        keys_sorted_.emplace_back(key, r);
    }
    for (const auto& [key, r] : by_label_) {
        keys_sorted_.emplace_back(key, r);
    }
    std::sort(keys_sorted_.begin(), keys_sorted_.end());
}

std::optional<Rev> RevisionGraph::find(std::string_view revision_id) const {
    const auto it = by_id_.find(std::string(revision_id));
    if (it == by_id_.end()) {
        return std::nullopt;
    }
    return it->second;
}

RevSet RevisionGraph::ancestors(const std::vector<Rev>& from, bool include_dependencies) const {
    RevSet seen(nodes_.size(), 0);
    std::vector<Rev> todo(from.begin(), from.end());
    while (!todo.empty()) {
        const Rev r = todo.back();
        todo.pop_back();
        if (seen[r]) {
            continue;
        }
        seen[r] = 1;
        for (const Rev p : include_dependencies ? nodes_[r].normalized : nodes_[r].parents) {
            if (!seen[p]) {
                todo.push_back(p);
            }
        }
    }
    return seen;
}

RevSet RevisionGraph::descendants(const std::vector<Rev>& from, bool include_dependencies) const {
    RevSet seen(nodes_.size(), 0);
    std::vector<Rev> todo(from.begin(), from.end());
    while (!todo.empty()) {
        const Rev r = todo.back();
        todo.pop_back();
        if (seen[r]) {
            continue;
        }
        seen[r] = 1;
        for (const Rev c : include_dependencies ? nodes_[r].all_children : nodes_[r].children) {
            if (!seen[c]) {
                todo.push_back(c);
            }
        }
    }
    return seen;
}

void RevisionGraph::throw_cannot_locate(std::string_view argument, const std::string& why) const {
    throw RevisionError(Kind::kUnknownRevision, "Can't locate revision identified by '" +
                                                    printable(argument) + "'" +
                                                    (why.empty() ? "" : ": " + why));
}

std::vector<std::string> RevisionGraph::branch_labels() const {
    std::vector<std::string> out;
    out.reserve(by_label_.size());
    for (const auto& [label, owner] : by_label_) {
        out.push_back(label);
    }
    std::sort(out.begin(), out.end());
    return out;
}

Rev RevisionGraph::resolve_branch(std::string_view branch, std::string_view target) const {
    const auto it = by_label_.find(std::string(branch));
    if (it != by_label_.end()) {
        return it->second;
    }
    try {
        return resolve_ident(branch);
    } catch (const RevisionError&) {
        // A prefix of several ids or labels: resolve_ident's message lists the candidates.
        const std::string key(branch);
        const auto k =
            std::lower_bound(keys_sorted_.begin(), keys_sorted_.end(), std::make_pair(key, Rev{0}));
        if (!key.empty() && k != keys_sorted_.end() && k->first.compare(0, key.size(), key) == 0) {
            throw;
        }
    }
    // Alembic ignores an unknown branch where it has nothing to filter (`typo@base` with one
    // root means base); runner refuses it everywhere.
    auto labels = branch_labels();
    if (labels.size() > 20) {
        labels.resize(20);
        labels.push_back("...");
    }
    throw RevisionError(Kind::kUnknownRevision,
                        "unknown branch label '" + printable(branch) + "'" +
                            (target.empty() ? std::string() : " in '" + printable(target) + "'") +
                            " (no label or revision has that name); " +
                            (labels.empty() ? std::string("this project has no branch labels")
                                            : "the branch labels are: " + join(labels, ", ")));
}

Rev RevisionGraph::resolve_ident(std::string_view ident,
                                 std::optional<std::string_view> branch) const {
    std::optional<Rev> branch_rev;
    if (branch) {
        branch_rev = resolve_branch(*branch);
    }
    std::optional<Rev> found;
    const std::string key(ident);
    if (const auto it = by_id_.find(key); it != by_id_.end()) {
        found = it->second;
    } else if (const auto lt = by_label_.find(key); lt != by_label_.end()) {
        found = lt->second;
    } else {
        if (ident.empty()) {
            throw_cannot_locate(ident, "empty revision");
        }
        std::vector<Rev> matches;
        std::vector<std::string> names;
        for (auto k = std::lower_bound(keys_sorted_.begin(), keys_sorted_.end(),
                                       std::make_pair(key, Rev{0}));
             k != keys_sorted_.end() && k->first.compare(0, key.size(), key) == 0; ++k) {
            if (k->first.size() > 3) {
                matches.push_back(k->second);
                names.push_back(k->first);
            }
        }
        if (branch_rev && !matches.empty()) {
            const RevSet line = lineage_of(*branch, false);
            std::vector<Rev> kept;
            std::vector<std::string> kept_names;
            for (std::size_t i = 0; i < matches.size(); ++i) {
                if (line[matches[i]]) {
                    kept.push_back(matches[i]);
                    kept_names.push_back(names[i]);
                }
            }
            matches = std::move(kept);
            names = std::move(kept_names);
        }
        if (matches.empty()) {
            throw_cannot_locate(ident, ident.size() < 4
                                           ? "no such revision or branch (partial revision ids "
                                             "need at least four characters)"
                                           : "no such revision or branch");
        }
        if (matches.size() > 1) {
            if (names.size() > 10) {
                names.resize(10);
                names.push_back("...");
            }
            throw_cannot_locate(ident, "the prefix is ambiguous; it matches " + join(names, ", "));
        }
        found = matches.front();
    }
    if (branch_rev) {
        const RevSet anc = ancestors({*found}, false);
        const RevSet desc = descendants({*found}, false);
        if (!anc[*branch_rev] && !desc[*branch_rev]) {
            throw_cannot_locate(ident, "revision " + id(*found) + " is not a member of branch '" +
                                           std::string(*branch) + "'");
        }
    }
    return *found;
}

RevSet RevisionGraph::lineage_of(std::string_view check_against, bool include_dependencies) const {
    std::vector<Rev> against;
    const auto at = check_against.find('@');
    std::string_view rest = check_against;
    if (at != std::string_view::npos) {
        against.push_back(resolve_ident(check_against.substr(0, at)));
        rest = check_against.substr(at + 1);
    }
    const std::optional<std::string_view> branch =
        at != std::string_view::npos ? std::optional(check_against.substr(0, at)) : std::nullopt;
    if (rest == "heads") {
        const auto hs = branch ? filter_for_lineage(heads_, *branch) : real_heads_;
        against.insert(against.end(), hs.begin(), hs.end());
    } else if (rest == "head") {
        const auto hs = ids_for(rest, branch, check_against);
        against.insert(against.end(), hs.begin(), hs.end());
    } else if (rest != "base" && !rest.empty()) {
        against.push_back(resolve_ident(rest));
    }
    RevSet line(nodes_.size(), 0);
    if (against.empty()) {
        std::fill(line.begin(), line.end(), 1);  // nothing to test against: everything shares
        return line;
    }
    for (const Rev a : against) {
        const RevSet anc = ancestors({a}, include_dependencies);
        const RevSet desc = descendants({a}, include_dependencies);
        for (Rev r = 0; r < nodes_.size(); ++r) {
            line[r] = line[r] || anc[r] || desc[r];
        }
    }
    return line;
}

std::vector<Rev> RevisionGraph::filter_for_lineage(const std::vector<Rev>& targets,
                                                   std::string_view check_against,
                                                   bool include_dependencies) const {
    if (targets.empty()) {
        return {};  // as Alembic, which resolves `check_against` only per target
    }
    const RevSet line = lineage_of(check_against, include_dependencies);
    std::vector<Rev> out;
    for (const Rev t : targets) {
        if (line[t]) {
            out.push_back(t);
        }
    }
    return out;
}

// Resolves the part after an optional "LABEL@": heads, head, base or an identifier list.
std::vector<Rev> RevisionGraph::ids_for(std::string_view rest,
                                        std::optional<std::string_view> branch,
                                        std::string_view whole) const {
    if (rest == "heads") {
        return branch ? filter_for_lineage(heads_, *branch) : real_heads_;
    }
    if (rest == "head") {
        const auto hs = branch ? filter_for_lineage(heads_, *branch) : heads_;
        if (hs.size() > 1) {
            std::vector<std::string> names;
            for (const Rev h : hs) {
                names.push_back(id(h));
            }
            throw MultipleHeadsError(std::move(names), std::string(whole));
        }
        return hs;
    }
    if (rest == "base") {
        return {};
    }
    return {resolve_ident(rest, branch)};
}

std::vector<Rev> RevisionGraph::get_revisions(std::string_view symbol) const {
    const auto at = symbol.find('@');
    const std::optional<std::string_view> branch =
        at != std::string_view::npos ? std::optional(symbol.substr(0, at)) : std::nullopt;
    const std::string_view rest = branch ? symbol.substr(at + 1) : symbol;
    if (branch && !branch->empty()) {
        resolve_branch(*branch, symbol);  // an unknown branch is an error even where unused
    }
    if (const auto n = negative_int(rest)) {
        // LABEL@-N: walk down from each head (of that branch).
        std::vector<Rev> out;
        for (const Rev h : real_heads_) {
            if (branch &&
                std::find(labels(h).begin(), labels(h).end(), *branch) == labels(h).end()) {
                continue;
            }
            const auto w = walk(h, *n);
            if (w.kind == WalkResult::Kind::kRevision) {
                out.push_back(w.rev);
            } else {
                throw RevisionError(Kind::kWalkedTooFar, "Walked too far");
            }
        }
        return out;
    }
    auto out = ids_for(rest, branch, symbol);
    if (branch && (rest == "heads" || rest == "head")) {
        for (const Rev r : out) {
            resolve_ident(id(r), branch);  // lineage check, as Alembic does for every result
        }
    }
    return out;
}

std::optional<Rev> RevisionGraph::get_revision(std::string_view symbol) const {
    const auto revs = get_revisions(symbol);
    if (revs.size() > 1) {
        std::vector<std::string> names;
        for (const Rev r : revs) {
            names.push_back(id(r));
        }
        throw MultipleHeadsError(std::move(names), std::string(symbol));
    }
    if (revs.empty()) {
        return std::nullopt;
    }
    return revs.front();
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
            throw RevisionError(Kind::kAmbiguousWalk, "Ambiguous walk");
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
