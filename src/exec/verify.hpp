// `runner verify`: for each revision, up, down, up again on a disposable database, checking that
// the down restores the schema (and the rows) from before the up and that the second up gives
// what the first gave; integrity and foreign keys after every step.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "exec/verify_snapshot.hpp"
#include "graph/revision_graph.hpp"
#include "schema/diff.hpp"

namespace runner {

struct VerifyProblem {
    Rev rev = 0;
    std::string step;  // "up", "down", "up again"
    std::string path;  // the file that step ran
    std::string message;
    bool failed = false;  // the step itself failed (else: it ran, and what it left is wrong)
    int line = 0;         // of the failing statement in `path`, when known
    // For a schema that differs: expected is the state to come back to, actual what is there.
    std::vector<SchemaDifference> differences;
};

struct VerifySkip {
    Rev rev = 0;
    std::string reason;
};

struct VerifyReport {
    std::vector<Rev> verified;  // every step ran (with or without problems), in order
    std::vector<VerifySkip> skipped;
    std::vector<VerifyProblem> problems;  // in the order found
    std::string database;                 // what it ran on
};

// Opens a new disposable database in the starting state (an empty scratch database, or a new
// copy of the user's database).
using DatabaseFactory = std::function<std::unique_ptr<Database>()>;

// What a caller that looks closer at each revision (lint) is told; each optional.
struct VerifyHooks {
    // After each first up that worked, before its down runs: the revision, the database, the
    // snapshots before and after the up (read incrementally: Snapshot::select reads only the
    // objects asked for), and the tables (lower-case) its statements created, altered,
    // (re)indexed or dropped as the backend saw them.
    std::function<void(Rev, Database&, const Snapshot& before, const Snapshot& after,
                       const std::set<std::string>& changed)>
        after_up;
    // After a transactional first up that failed after all its statements ran (at the
    // foreign-key check before the commit, the problem's `line` 0) and was rolled back: the
    // snapshot before it, the problem, and the schema its statements left, read in a
    // transaction of their own that is rolled back too (nothing when they fail that time).
    std::function<void(Rev, const Snapshot& before, const VerifyProblem&,
                       const std::optional<Schema>& left)>
        up_failed;
};

// Verifies `order` (parents first) on databases `fresh` makes. Revisions the database already
// has applied, and those built on a revision whose up failed, are skipped. After a revision
// whose down or second up misbehaved, the next revisions start from a fresh database brought to
// the revisions verified so far, so one bad migration does not hide the next.
VerifyReport verify_revisions(const RevisionGraph& graph, const std::vector<Rev>& order,
                              const DatabaseFactory& fresh, const VerifyHooks& hooks = {});

// A factory of working copies of `source` (a database runner opened read-only): the first call
// takes one consistent copy with the backend's backup capability into a private temporary
// directory, each call copies that file again. The source is never written. The directory is
// removed when the last factory copy is destroyed.
DatabaseFactory copies_of(Database& source, const std::string& version_table);

}  // namespace runner
