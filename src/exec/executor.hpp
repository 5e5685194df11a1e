// Runs a plan against a database: one transaction per migration, bookkeeping inside it.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

enum class Direction { kUpgrade, kDowngrade };

struct StepReport {
    Rev rev = 0;
    Direction direction = Direction::kUpgrade;
    std::int64_t duration_ms = 0;
};

// The Alembic-style description of a step: "upgrade a, b -> c, message".
std::string describe_step(const RevisionGraph& graph, Rev rev, Direction direction);

class Executor {
  public:
    // Progress lines go to `progress` (stderr in the CLI), one per migration with its duration.
    Executor(const RevisionGraph& graph, Database& db, std::ostream& progress);

    // Applies or reverts each revision in order, each in its own transaction (or none, for
    // `transactional: false` files). Stops at the first failure: earlier steps stay done, the
    // failed one leaves no trace (when transactional). Returns what completed.
    std::vector<StepReport> run(const std::vector<Rev>& steps, Direction direction);

    // Rewrites the applied set to `applied` without running any migration (stamp).
    void stamp(const std::vector<Rev>& applied_before, const std::vector<Rev>& applied_after,
               bool purge);

  private:
    // Under the write lock: false when another run already did this step; throws when the
    // database moved so that the step no longer fits.
    bool still_needed(Rev rev, Direction direction);
    std::optional<StepReport> run_one(Rev rev, Direction direction);

    const RevisionGraph& graph_;
    Database& db_;
    std::ostream& progress_;
};

// Current UTC time as "YYYY-MM-DD HH:MM:SS".
std::string utc_now();

}  // namespace runner
