// The property test's only door into the database layer: everything it asks of runner's
// foreign-key guard goes through FkSubject, so a change of that API is a change to
// fk_subject.cpp alone.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace runner::property {

// Violations, each as "table|key|parent|fk number" (comparable whatever the API's value type),
// sorted, one entry per violation the check reported.
using Violations = std::vector<std::string>;

// A runner connection to one SQLite file, driven the way the executor drives it during a run:
// a baseline full check when the run starts, then per step BEGIN, the step's script, the
// incremental check of what the script changed, and COMMIT.
class FkSubject {
  public:
    explicit FkSubject(const std::string& path);
    ~FkSubject();
    FkSubject(const FkSubject&) = delete;
    FkSubject& operator=(const FkSubject&) = delete;

    // The full check on this connection.
    Violations full_check();
    // The full check, kept as the run's baseline (as the executor keeps it).
    Violations start_run();
    // The baseline, with the names the table renames of the scripts checked since gave it.
    Violations baseline() const;
    // BEGIN, runs `sql` as a migration's script; on success returns true (the transaction
    // stays open for changed_check and commit). A failing statement rolls back and returns
    // false with the database's message in `error`; the run then ends, as the executor's does.
    bool run_script(const std::string& sql, std::string& error);
    // The incremental check: violations where the script can have made new ones. The baseline
    // then follows the script's table renames, as the executor's does.
    Violations changed_check();
    // The full check as the executor runs it after a step when the baseline is too long to hold
    // whole; the baseline then follows the script's renames too.
    Violations full_step_check();
    void commit();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The foreign keys PRAGMA foreign_key_check finds broken, on a plain SQLite connection to
// `path`: "table|parent|fk number", sorted, each once.
std::vector<std::string> pragma_broken_foreign_keys(const std::string& path);
// The same from a list of violations.
std::vector<std::string> broken_foreign_keys(const Violations& violations);
// Runs `sql` on a plain SQLite connection to `path` (foreign keys off), outside runner: the
// data a run starts from. Throws on error.
void exec_plain(const std::string& path, const std::string& sql);

}  // namespace runner::property
