// Runs a migration script on an SQLite connection, one statement at a time as SQLite parses it
// (the sqlite3_prepare_v2 tail loop), streaming, resumable, refusing what the guard refuses.
#pragma once

#include <string>

#include "db/connection.hpp"
#include "db/sqlite/handles.hpp"
#include "db/sqlite/script_guard.hpp"

namespace runner {

// Told just before and just after each statement of a script runs (not when it fails). Its own
// statements pass the authorizer as runner's.
class StatementSteps {
  public:
    virtual ~StatementSteps() = default;
    virtual void before_step(sqlite3_stmt* stmt) = 0;
    virtual void after_step() = 0;
};

// Connection::run_script for SQLite. The caller installs the authorizer that consults `guard`
// (and has called guard.start(), and guard.observe() when `how.observer` is set).
int run_sqlite_script(sqlite3* db, ScriptGuard& guard, TextSource& source,
                      const std::string& origin, const ScriptRun& how,
                      StatementSteps* steps = nullptr);

}  // namespace runner
