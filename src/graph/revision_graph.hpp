// The revision DAG built from migration headers, with Alembic's lookup and traversal rules. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "migration/migration.hpp"
#include "util/error.hpp"

namespace runner {

using Rev = std::uint32_t;         // index of a revision in its graph, in file order
using RevSet = std::vector<char>;  // membership flags, one per revision

// A graph that cannot be built, or a target that cannot be resolved in it.
class RevisionError : public Error {
  public:
    enum class Kind {
        kDuplicateRevision,
        kMissingParent,
        kMissingDependency,
        kSelfLoop,
        kDependencySelfLoop,
        kCycle,
        kDependencyCycle,
        kDuplicateLabel,
        kMultipleHeads,
        kUnknownRevision,  // no such revision, ambiguous prefix, not on branch, no such branch
        kAmbiguousWalk,
        kWalkedTooFar,
        kRelativeTooFar,  // "Relative revision X didn't produce N migrations"
        kOverlap,
        kNotAncestor,
        kAmbiguousUpgrade,
        kInvalid,
    };
    RevisionError(Kind kind, const std::string& message) : Error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

  private:
    Kind kind_;
};

// Several heads where one was required. The command turns this into a message naming the
// argument the user typed; heads() lists the candidates.
class MultipleHeadsError : public RevisionError {
  public:
    MultipleHeadsError(std::vector<std::string> heads, std::string argument);
    const std::vector<std::string>& heads() const { return heads_; }
    const std::string& argument() const { return argument_; }

  private:
    std::vector<std::string> heads_;
    std::string argument_;
};

// A relative walk that reached a branch point (going up) or a merge point (going down), or base
// with several roots. what() starts with Alembic's "Ambiguous walk" and names the revision where
// the graph branches and where it branches to; the planner adds the commands to type instead.
class AmbiguousWalkError : public RevisionError {
  public:
    AmbiguousWalkError(std::string situation, const std::string& advice, std::optional<Rev> from,
                       bool up, std::vector<Rev> next, int steps_left)
        : RevisionError(Kind::kAmbiguousWalk, situation + "; " + advice),
          situation_(std::move(situation)),
          from_(from),
          up_(up),
          next_(std::move(next)),
          steps_left_(steps_left) {}
    // "Ambiguous walk: X is a branch point; ...", without the generic advice what() ends with.
    const std::string& situation() const { return situation_; }
    std::optional<Rev> from() const { return from_; }  // nullopt: base
    bool up() const { return up_; }
    const std::vector<Rev>& next() const { return next_; }  // where the graph branches to
    int steps_left() const { return steps_left_; }          // counting the ambiguous step

  private:
    std::string situation_;
    std::optional<Rev> from_;
    bool up_;
    std::vector<Rev> next_;
    int steps_left_;
};

// A position reached by a relative walk: a revision, "base" (below every root), or nothing.
struct WalkResult {
    enum class Kind { kRevision, kBase, kNone } kind = Kind::kNone;
    Rev rev = 0;
};

class RevisionGraph {
  public:
    // Builds and validates the graph; migrations are in file order. Throws RevisionError.
    explicit RevisionGraph(std::vector<Migration> migrations);

    std::size_t size() const { return nodes_.size(); }
    const Migration& migration(Rev r) const { return nodes_[r].m; }
    const std::string& id(Rev r) const { return nodes_[r].m.revision; }
    // The ids of `revs`, in their order.
    std::vector<std::string> ids(const std::vector<Rev>& revs) const;
    std::optional<Rev> find(std::string_view revision_id) const;

    // Structure. "Versioned" edges come from down_revision; dependencies from depends_on.
    const std::vector<Rev>& parents(Rev r) const { return nodes_[r].parents; }
    const std::vector<Rev>& dependencies(Rev r) const { return nodes_[r].deps; }
    // down_revision plus the dependencies that no ancestor already depends on.
    const std::vector<Rev>& normalized_parents(Rev r) const { return nodes_[r].normalized; }
    const std::vector<Rev>& children(Rev r) const { return nodes_[r].children; }
    const std::vector<Rev>& all_children(Rev r) const { return nodes_[r].all_children; }
    // Branch labels in effect: declared here or inherited along the branch (sorted).
    const std::vector<std::string>& labels(Rev r) const { return nodes_[r].labels; }
    bool is_head(Rev r) const { return nodes_[r].children.empty(); }
    bool is_real_head(Rev r) const { return nodes_[r].all_children.empty(); }
    bool is_branch_point(Rev r) const { return nodes_[r].children.size() > 1; }
    bool is_merge_point(Rev r) const { return nodes_[r].parents.size() > 1; }

    const std::vector<Rev>& heads() const { return heads_; }            // no child by down_revision
    const std::vector<Rev>& real_heads() const { return real_heads_; }  // no dependent either
    const std::vector<Rev>& bases() const { return bases_; }            // empty down_revision

    // Closures, inclusive of the starting revisions.
    RevSet ancestors(const std::vector<Rev>& from, bool include_dependencies = true) const;
    RevSet descendants(const std::vector<Rev>& from, bool include_dependencies = true) const;

    // Alembic's lookups. `get_revisions` resolves a symbol to zero (base) or more revisions:
    // ids, unique prefixes, labels, head, heads, base, LABEL@..., -N (down from the heads).
    std::vector<Rev> get_revisions(std::string_view symbol) const;
    // Exactly one revision, or nullopt for base. Throws MultipleHeadsError for several.
    std::optional<Rev> get_revision(std::string_view symbol) const;
    // A revision id, unique prefix (over ids longer than 3) or label; with `branch`, it must
    // share lineage with that branch.
    Rev resolve_ident(std::string_view ident, std::optional<std::string_view> branch = {}) const;
    // The revision a branch name designates: its label's owner, or any revision ident. Anything
    // else is an error naming `branch`, the `target` it came from and the labels that exist.
    Rev resolve_branch(std::string_view branch, std::string_view target = {}) const;
    // Every declared branch label, sorted.
    std::vector<std::string> branch_labels() const;
    // The targets that are ancestors or descendants of what `check_against` names.
    std::vector<Rev> filter_for_lineage(const std::vector<Rev>& targets,
                                        std::string_view check_against,
                                        bool include_dependencies = false) const;
    // Walks `steps` up (>0, along down_revision children, narrowed to `branch`) or down (<0).
    // `start` nullopt means base. Throws AmbiguousWalkError at a branch or merge point. Walking
    // past the end gives kNone, or with `clamp` stays at the last position reached.
    WalkResult walk(std::optional<Rev> start, int steps,
                    std::optional<std::string_view> branch = {}, bool clamp = false) const;

    // What `current` shows for head rows: rows and their ancestors (through depends_on) that
    // have no child by down_revision among them.
    std::vector<Rev> current_heads(const std::vector<Rev>& rows) const;
    // The rows Alembic would keep for an applied set: its members with no applied dependent.
    std::vector<Rev> rows_of(const RevSet& applied) const;

  private:
    struct Node {
        Migration m;
        std::vector<Rev> parents, deps, normalized, children, all_children;
        std::vector<std::string> labels;
    };
    RevSet lineage_of(std::string_view check_against, bool include_dependencies) const;
    std::vector<Rev> ids_for(std::string_view rest, std::optional<std::string_view> branch,
                             std::string_view whole) const;
    [[noreturn]] void throw_ambiguous_walk(std::optional<Rev> from, bool up,
                                           const std::vector<Rev>& next, int steps_left) const;
    [[noreturn]] void throw_cannot_locate(std::string_view argument, const std::string& why) const;

    std::vector<Node> nodes_;
    std::unordered_map<std::string, Rev> by_id_;
    std::unordered_map<std::string, Rev> by_label_;         // declared labels only
    std::vector<std::pair<std::string, Rev>> keys_sorted_;  // ids and labels, for prefix lookup
    std::vector<Rev> heads_, real_heads_, bases_;
};

}  // namespace runner
