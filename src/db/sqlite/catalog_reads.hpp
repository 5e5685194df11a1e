// Reads of SQLite's catalog shared by the foreign-key guard (and, later, introspection): one
// table at a time, through the pragma table functions (the schema hash, not a scan).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/capabilities.hpp"
#include "db/sqlite/handles.hpp"

namespace runner {

// Whether table `name` of the main schema is WITHOUT ROWID; nullopt when there is no such table.
std::optional<bool> sqlite_table_without_rowid(SqliteDb& db, const std::string& name);

// The tables that the foreign keys of table `name` reference, lower case.
std::vector<std::string> sqlite_foreign_key_parents(SqliteDb& db, const std::string& name);

// The rows of WITHOUT ROWID table `v.table` that break its foreign key `v.fk_id`, named by their
// primary keys (copies of `v`); empty when that cannot be said.
std::vector<ForeignKeyViolation> sqlite_violating_rows(SqliteDb& db, const ForeignKeyViolation& v);

// SELECT that yields a row when the row of `child` with rowid ?1 references a missing row;
// empty when that cannot be said row by row (WITHOUT ROWID, an unnamed key of a table without
// a primary key).
std::string sqlite_row_probe_sql(SqliteDb& db, const std::string& child);

}  // namespace runner
