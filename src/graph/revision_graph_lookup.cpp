// Alembic's lookups in the revision graph: ids, prefixes, labels, branch@symbol, head(s), base.
//
// Semantics follow Alembic 1.8.1's RevisionMap (see ../shared/reference/alembic.md, sections 2
// and 4).
#include <algorithm>
#include <cstdlib>

#include "graph/revision_graph.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

using Kind = RevisionError::Kind;

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

}  // namespace runner
