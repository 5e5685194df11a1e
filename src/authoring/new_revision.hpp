// What a new revision or merge declares, and the text of its two files, decided from the loaded
// graph before anything is written. Pure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "graph/revision_graph.hpp"

namespace runner {

// `runner revision` as typed. List options may be repeated and may hold comma lists.
struct RevisionRequest {
    std::string message;
    std::string rev_id;               // empty: a fresh random id
    std::optional<std::string> head;  // what the revision builds on; default "head"
    bool splice = false;              // allow building on a revision that is not a head
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on;  // revisions, unique prefixes or branch labels
};

// `runner merge` as typed.
struct MergeRequest {
    std::string message;
    std::string rev_id;
    std::vector<std::string> revisions;  // what to join; empty means "heads"
    bool splice = false;                 // allow joining revisions that are not heads
    std::vector<std::string> branch_labels;
};

// The header values of the new migration.
struct NewRevision {
    std::string revision;
    std::vector<std::string> down_revisions;
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on;  // full ids, or branch labels kept as labels
    std::string message;                  // as the header holds it
};

// Makes candidate revision ids (random in the program, predictable in tests).
using IdSource = std::function<std::string()>;

// Decide what the new revision declares. Throws Error, naming the option, for anything that
// would make the files unusable: several heads and no --head, a non-head without --splice, an
// id or label that is invalid or already used, an unknown --depends-on.
NewRevision plan_revision(const RevisionGraph& graph, const RevisionRequest& request,
                          const IdSource& new_id);
// Likewise for a merge; also refuses fewer than two revisions, or one named twice.
NewRevision plan_merge(const RevisionGraph& graph, const MergeRequest& request,
                       const IdSource& new_id);

struct Template {
    std::string text;
    std::string origin;  // the template file, or a description of the built-in one
};

// The two files to write and the heads once they exist.
struct Draft {
    std::string up_path;  // <dir>/NNNN_slug.up.sql, normalised like the loader's paths
    std::string down_path;
    std::string up_text;
    std::string down_text;
    std::vector<std::string> heads_after;  // sorted
};

// SQL written by runner (autogenerate) for the two files, in place of what the templates hold
// below their headers.
struct GeneratedBodies {
    std::string up;
    std::string down;
};

// Renders both templates for `revision` and checks the result the way the loader will: each
// header must parse and declare exactly the planned values, and the graph with the new
// migration must be valid. Throws Error otherwise. With `bodies`, each file is the template's
// header followed by its generated body.
Draft draft_files(const RevisionGraph& graph, const NewRevision& revision, const Template& up,
                  const Template& down, const std::string& create_date, const std::string& dir,
                  const GeneratedBodies* bodies = nullptr);

}  // namespace runner
