// Where settings come from: command-line flags, then DATABASE_URL, then runner.ini, then defaults.
#pragma once

#include <optional>
#include <string>

#include "db/connection.hpp"
#include "migration/migration.hpp"

namespace runner {

struct Settings {
    std::string db_url;  // empty: none configured
    std::string dir = "sql";
    std::string version_table = "runner_version";
    std::string schema;                // PostgreSQL: the migrations' search_path (--schema)
    std::string version_table_schema;  // PostgreSQL: the schema of runner's tables
    int lock_timeout_seconds = 60;
    // PostgreSQL: how writers keep each other out (`lock_strategy = advisory|table`,
    // --lock-strategy), and for `table` how long a lease lasts unless renewed (`lock_lease =`).
    LockStrategy lock_strategy = LockStrategy::kAdvisory;
    int lock_lease_ms = 30'000;
    // PostgreSQL: lock_timeout / statement_timeout for every migration whose header sets none
    // (`lock_timeout =`, `statement_timeout =` in the config file), and how many times a
    // migration (a statement, outside a transaction) that failed on a lock timeout, a statement
    // timeout, a deadlock or a serialization failure is tried again (`retries =`, --retries).
    SessionTimeouts timeouts;
    int retries = 3;
    bool create = true;  // false: commands that write refuse a missing database file
    // The desired schema (diff, revision --autogenerate): `schema_file =` in the config file
    // (relative to it), else schema.sql beside the config file (the working directory without
    // one). A command's --schema-file replaces both.
    std::string schema_file = "schema.sql";
    std::string schema_file_origin = "the default schema.sql";  // where it came from, for errors
};

struct Overrides {
    std::optional<std::string> db;
    std::optional<std::string> dir;
    std::optional<std::string> config_file;  // -c FILE; otherwise runner.ini when present
    std::optional<int> lock_timeout_seconds;
    std::optional<int> retries;                 // --retries N
    std::optional<std::string> schema;          // --schema NAME
    std::optional<LockStrategy> lock_strategy;  // --lock-strategy advisory|table
    bool no_create = false;                     // --no-create
};

// A retry count (0 to 100) from `value`; Error naming `what` otherwise.
int parse_retries(const std::string& value, const std::string& what);

// `advisory` or `table`; Error naming `what` otherwise.
LockStrategy parse_lock_strategy(const std::string& value, const std::string& what);

// Reads the config file (when given or present) and merges the sources. Relative paths in
// the file are taken relative to the file's own directory. Throws Error for a bad file.
Settings resolve_settings(const Overrides& overrides, const char* database_url_env);

}  // namespace runner
