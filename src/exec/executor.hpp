// Runs a plan against a database: one transaction per migration, bookkeeping inside it.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "graph/revision_graph.hpp"

namespace runner {

enum class Direction { kUpgrade, kDowngrade };

const char* direction_name(Direction direction);

struct StepReport {
    Rev rev = 0;
    Direction direction = Direction::kUpgrade;
    std::int64_t duration_ms = 0;
    bool skipped = false;  // another run had already done it
};

struct RunOptions {
    bool atomic = false;  // the whole plan in one transaction: all or nothing
    bool resume = false;  // continue failed non-transactional migrations at their failed statement
    SessionTimeouts timeouts{};  // for migrations whose header sets none (the config file's)
    // How many times a migration (a statement, when non-transactional) that failed on a lock
    // timeout, deadlock, ... (is_retryable) is tried again; not under --atomic.
    int retries = 0;
    // Told after each statement of each migration what it touched (see ScriptObserver).
    ScriptObserver* observer = nullptr;
    // The foreign-key violations known to exist before the run, sorted: not new. Null: the run
    // lists them itself (a check of every table). Given, it is kept up to date with the
    // migrations' table renames, for the next run.
    std::vector<ForeignKeyViolation>* known_violations = nullptr;
};

// Who is running: recorded with every audit-log entry.
struct Identity {
    std::string user;
    std::string host;
};
Identity current_identity();

// The Alembic-style description of a step: "upgrade a, b -> c, message".
std::string describe_step(const RevisionGraph& graph, Rev rev, Direction direction);

class Executor {
  public:
    // Progress lines go to `progress` (stderr in the CLI), one per migration with its duration.
    Executor(const RevisionGraph& graph, Database& db, std::ostream& progress, Identity who);

    // Applies or reverts each revision in order, each in its own transaction (or none, for
    // `transactional: false` files), or all in one with `atomic`. Stops at the first failure:
    // earlier steps stay done (unless atomic), the failed one leaves no trace when transactional.
    // Each step re-checks the database under the write lock, so concurrent runs apply every
    // migration once; foreign keys are checked before each commit.
    void run(const std::vector<Rev>& steps, Direction direction, const RunOptions& options);
    // What run() completed, also after it threw.
    const std::vector<StepReport>& completed() const { return done_; }

    // Rewrites the recorded revisions without running migrations: removes `removed` (all
    // records with `purge`) and records `added` as stamped, with their files' checksums.
    void stamp(const std::vector<std::string>& removed, const std::vector<Rev>& added, bool purge);

    // Takes over from Alembic: records `revs` as applied (how and audit action "adopt", with
    // their files' checksums) without running them, in one transaction that first re-checks,
    // under the write lock, that `alembic_table` still lists `alembic_rows` and (when `revs`
    // is not empty) that runner records nothing yet; drops `alembic_table` with `drop`.
    void adopt(const std::vector<Rev>& revs, const std::string& alembic_table,
               const std::vector<std::string>& alembic_rows, bool drop);

    // Accepts the current text of an applied migration as intended: stores its checksum and
    // logs the reason.
    void rebless(Rev rev, const std::string& reason);

    // Marks a migration that failed part-way (non-transactional) as finished by hand.
    void resolve(Rev rev, Direction direction);
    // Removes the record of a migration that stopped part-way without marking anything applied
    // or reverted: for a revision no file declares any more.
    void forget(const std::string& revision);

  private:
    bool still_needed(Rev rev, Direction direction);
    void run_step(Rev rev, Direction direction, const RunOptions& options, bool in_transaction);
    // Records the step done (inside its transaction); returns the audit-log entry written.
    LogEntry bookkeeping(Rev rev, Direction direction, const std::string& checksum,
                         std::int64_t ms);
    // Writes the previous step's duration as shown (its commit included), inside the current
    // transaction.
    void store_pending_duration();
    // Writes a `failed` audit-log entry for a transactional step that was rolled back.
    void log_failure(Rev rev, Direction direction, const std::string& why) noexcept;
    void check_foreign_keys(Rev rev, Direction direction);
    // Runs a `transactional: false` step, recording its progress; false when another run did it.
    bool run_non_transactional(Rev rev, Direction direction, const RunOptions& options,
                               TextSource& body, ScriptRun script);
    void require_partial(const std::string& revision);
    LogEntry entry(const std::string& revision, const std::string& action) const;

    const RevisionGraph& graph_;
    Connection& db_;
    Bookkeeping& book_;
    std::ostream& progress_;
    Identity who_;
    std::vector<StepReport> done_;
    bool step_started_ = false;  // whether the current step's statements began to run
    // The last step's log entry and the duration its progress line showed, not yet stored.
    std::optional<std::pair<LogEntry, std::int64_t>> pending_duration_;
    std::vector<ForeignKeyViolation> fk_baseline_;  // violations present before the run
    std::vector<ForeignKeyViolation>* known_violations_ = nullptr;  // the caller's copy
};

// Current UTC time as "YYYY-MM-DD HH:MM:SS".
std::string utc_now();

}  // namespace runner
