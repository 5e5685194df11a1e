// Runs a migration script on an SQLite connection, one statement at a time as SQLite parses it.
#pragma once

#include <string>

#include "db/database.hpp"
#include "db/sqlite_guard.hpp"

struct sqlite3;

namespace runner {

// SQLite's words plus the result code's name, e.g. "... (SQLITE_CONSTRAINT_CHECK)".
std::string sqlite_message(sqlite3* db);

// The line starting at `p`, printable and at most 120 characters.
std::string first_line_of(const char* p, const char* end);

// Database::execute_script for SQLite. The caller installs the authorizer that consults `guard`
// (and has called guard.start()).
int run_sqlite_script(sqlite3* db, ScriptGuard& guard, TextSource& source,
                      const std::string& origin, int skip, NonTransactionalRun* non_transactional);

}  // namespace runner
