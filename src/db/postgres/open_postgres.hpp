// The PostgreSQL backend's entry: opens a Connection for a postgresql:// URL or a libpq
// keyword/value string (the URL dispatch table names it).
#pragma once

#include <memory>
#include <string>

#include "db/connection.hpp"

namespace runner {

// Connects (libpq: the URL, PG* variables, ~/.pgpass). A read-write open takes runner's
// session-level advisory lock, polling pg_try_advisory_lock until options.lock_timeout_ms
// (LockTimeoutError, exit 6), and holds it until the connection closes.
std::unique_ptr<Connection> open_postgres(const std::string& url, const std::string& shown,
                                          OpenMode mode, const OpenOptions& options);

}  // namespace runner
