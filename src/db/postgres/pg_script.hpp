// Running a migration script on PostgreSQL: statements split as psql splits them, sent one at a
// time; outside runner's transaction (transactional: false) each commits with a record of the
// progress, or alone when it cannot run in a transaction block (CREATE INDEX CONCURRENTLY).
#pragma once

#include <string>
#include <vector>

#include "db/connection.hpp"
#include "db/postgres/pg_session.hpp"

namespace runner {

// See Connection::run_script. A statement that names one of `bookkeeping` (runner's own tables)
// is refused before it runs, unless it is a plain SELECT. Sets `session_changed` before running
// a statement that may change the session's settings (pg_may_change_session).
int run_pg_script(PgSession& session, TextSource& sql, const std::string& origin,
                  const ScriptRun& run, const std::vector<std::string>& bookkeeping,
                  bool& session_changed);

}  // namespace runner
