// Reads the schema of an open SQLite database from its catalog into a schema model: the pragmas
// for columns, keys, indexes and foreign keys; the stored CREATE text only for what SQLite keeps
// nowhere else (CHECKs, collations, generated columns, AUTOINCREMENT, view and trigger bodies).
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"

struct sqlite3;

namespace runner {

// runner's bookkeeping tables for a version table: {version_table, version_table_log,
// version_table_partial}. They are never part of a schema.
std::vector<std::string> bookkeeping_tables(const std::string& version_table);

// The schema of the `main` database of `db`, canonicalize()d. SQLite's internal tables
// (sqlite_%) and the tables named in `excluded_tables` (compared case-insensitively), with their
// indexes and triggers, are left out. Reads only; throws Error naming what SQLite said.
Schema read_sqlite_schema(sqlite3* db, const std::vector<std::string>& excluded_tables);

}  // namespace runner
