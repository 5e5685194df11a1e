// `runner verify`: for each revision, up, down, up again on a disposable database, checking that
// the down restores the schema (and the rows) from before the up and that the second up gives
// what the first gave; integrity and foreign keys after every step.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/database.hpp"
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

// Verifies `order` (parents first) on databases `fresh` makes. Revisions the database already
// has applied, and those built on a revision whose up failed, are skipped. After a revision
// whose down or second up misbehaved, the next revisions start from a fresh database brought to
// the revisions verified so far, so one bad migration does not hide the next.
// `after_up`, when set, is told after each first up that worked, before its down runs: the
// revision, the database, and the schemas before and after the up.
using AfterUp = std::function<void(Rev, Database&, const Schema& before, const Schema& after)>;
VerifyReport verify_revisions(const RevisionGraph& graph, const std::vector<Rev>& order,
                              const DatabaseFactory& fresh, const AfterUp& after_up = {});

// A factory of working copies of `source` (a database runner opened read-only): the first call
// takes one consistent copy with the backend's backup capability into a private temporary
// directory, each call copies that file again. The source is never written. The directory is
// removed when the last factory copy is destroyed.
DatabaseFactory copies_of(Database& source, const std::string& version_table);

}  // namespace runner
