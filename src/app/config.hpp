// Where settings come from: command-line flags, then DATABASE_URL, then runner.ini, then defaults.
#pragma once

#include <optional>
#include <string>

namespace runner {

struct Settings {
    std::string db_url;  // empty: none configured
    std::string dir = "sql";
    std::string version_table = "runner_version";
    std::string schema;                // PostgreSQL: the migrations' search_path (--schema)
    std::string version_table_schema;  // PostgreSQL: the schema of runner's tables
    int lock_timeout_seconds = 60;
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
    std::optional<std::string> schema;  // --schema NAME
    bool no_create = false;             // --no-create
};

// Reads the config file (when given or present) and merges the sources. Relative paths in
// the file are taken relative to the file's own directory. Throws Error for a bad file.
Settings resolve_settings(const Overrides& overrides, const char* database_url_env);

}  // namespace runner
