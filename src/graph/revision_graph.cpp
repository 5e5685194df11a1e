// The revision DAG built from migration headers: validation, structure and closures (lookups are
// in revision_graph_lookup.cpp, relative walks in revision_graph_walk.cpp).
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

std::vector<std::string> RevisionGraph::ids(const std::vector<Rev>& revs) const {
    std::vector<std::string> out;
    out.reserve(revs.size());
    for (const Rev r : revs) {
        out.push_back(id(r));
    }
    return out;
}

}  // namespace runner
