// The rules checked before a plan runs: drift, migrations that stopped part-way, what --atomic
// can run, and whether to take a backup. Pure: they read only the values given and throw Error
// with the message the user sees; the caller does every read, write and print.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "exec/drift.hpp"
#include "exec/executor.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

// Applied migrations were edited: an error unless `allow_drift`, else the warning to print
// (without "warning: "). nullopt when there is no drift.
std::optional<std::string> check_drift(const RevisionGraph& graph, const std::vector<Drift>& drift,
                                       bool allow_drift);

// A migration that stopped part-way is neither applied nor reverted: nothing else runs until it
// is resumed (the plan `steps` includes it, `resume`, same direction), resolved or forgotten.
// Throws for the first partial that blocks the plan.
void check_partials(const RevisionGraph& graph, const std::vector<PartialRecord>& partials,
                    const std::vector<Rev>& steps, Direction direction, bool resume);

// --atomic runs the whole plan in one transaction: every step must be transactional.
void check_atomic(const RevisionGraph& graph, const std::vector<Rev>& steps, Direction direction);

// What a plan with nothing to run says (text mode, on stderr), e.g. "Nothing to upgrade: DB
// already has every migration 'head' needs".
std::string nothing_to_do_message(Direction direction, const std::string& database,
                                  const std::string& target);

// --backup: a database that does not exist yet has nothing to back up.
enum class BackupDecision { kNotAsked, kTake, kNoDatabase };
BackupDecision decide_backup(bool asked, bool database_exists);

// "<db file>.backup-YYYYmmdd-HHMMSS" for `now` in local time (backup_to adds -2, -3, ... when
// taken).
std::string default_backup_path(const std::string& db_file, std::time_t now);

}  // namespace runner
