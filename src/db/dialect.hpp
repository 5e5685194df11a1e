// The SQL text that differs per backend: identifiers, literals, parameters, the bookkeeping
// tables' DDL and catalog lookups, the current time, upserts, and the offline script's frame.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runner {

// The names of runner's bookkeeping tables for one version table.
struct BookkeepingTables {
    explicit BookkeepingTables(const std::string& version_table)
        : version(version_table),
          log(version_table + "_log"),
          partial(version_table + "_partial") {}
    std::string version;  // applied revisions
    std::string log;      // the audit log
    std::string partial;  // non-transactional migrations that stopped part-way
};

class Dialect {
  public:
    virtual ~Dialect() = default;

    // `name` as an SQL identifier, always quoted: "my ""table""".
    virtual std::string quote_identifier(std::string_view name) const = 0;
    // A column or table name as runner writes it in its own SQL: bare when the backend reads it
    // bare (a plain identifier that is no keyword), quoted otherwise.
    virtual std::string identifier(std::string_view name) const = 0;
    // A table of the database runner works in (SQLite: main."t", so a TEMP table of the same
    // name is never meant).
    virtual std::string table(std::string_view name) const = 0;
    // A table of runner's as an offline script names it: identifier() unless the backend keeps
    // runner's tables somewhere the script must name (a PostgreSQL version_table_schema).
    virtual std::string offline_table(std::string_view name) const { return identifier(name); }
    // A text literal: 'it''s'.
    virtual std::string quote_literal(std::string_view value) const = 0;
    // The placeholder of the 1-based parameter `index` (?1, $1).
    virtual std::string parameter(int index) const = 0;
    // An expression for the current UTC time as "YYYY-MM-DD HH:MM:SS".
    virtual std::string now() const = 0;

    // CREATE TABLE IF NOT EXISTS for the version table, the audit log and the partial table, in
    // that order; `qualified` names them as table() does, else bare (offline scripts).
    virtual std::vector<std::string> bookkeeping_ddl(const BookkeepingTables& tables,
                                                     bool qualified) const = 0;
    // An expression that orders the version table's rows as they were inserted (a tiebreak after
    // applied_at).
    virtual std::string insertion_order() const = 0;
    // A query with one parameter (the table name, matched as the backend matches names) that
    // returns a row when the table exists in the database runner works in.
    virtual std::string table_exists_query() const = 0;
    // A query with one parameter (the table name) returning its column names in order.
    virtual std::string table_columns_query() const = 0;
    // INSERT of `columns` (parameters 1..n) into `table` (as table() names it) that replaces the
    // row with the same `key` column.
    virtual std::string upsert(const std::string& table, const std::vector<std::string>& columns,
                               const std::string& key) const = 0;

    // Offline scripts. The lines before anything runs (how to run the script, session
    // settings), given the heading comment already written.
    virtual std::string offline_preamble() const = 0;
    // "BEGIN IMMEDIATE;\n", "COMMIT;\n".
    virtual std::string offline_begin() const = 0;
    virtual std::string offline_commit() const = 0;
    // Makes a transactional step fail before its COMMIT when it left new foreign-key violations,
    // as the online run does: the setup once at the start, the check before each COMMIT. Empty
    // where the backend enforces foreign keys itself.
    virtual std::string offline_foreign_key_setup() const = 0;
    virtual std::string offline_foreign_key_check() const = 0;
};

}  // namespace runner
