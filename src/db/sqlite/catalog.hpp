// Reads the schema of an open SQLite database from its catalog into a schema model: the pragmas
// for columns, keys, indexes and foreign keys; the stored CREATE text only for what SQLite keeps
// nowhere else (CHECKs, collations, generated columns, AUTOINCREMENT, view and trigger bodies).
#pragma once

#include <string>
#include <vector>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "db/capabilities.hpp"
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

// What read_sqlite_schema_again remembers between the reads of one database: each catalog
// object as read, by its sqlite_schema row (and, for an index, its table's CREATE text), from
// which everything SQLite's pragmas say about it follows.
class SqliteSchemaMemory {
  public:
    SqliteSchemaMemory();
    ~SqliteSchemaMemory();
    SqliteSchemaMemory(const SqliteSchemaMemory&) = delete;
    SqliteSchemaMemory& operator=(const SqliteSchemaMemory&) = delete;

  private:
    struct Object;
    friend SchemaCatalog::Reading read_sqlite_schema_again(sqlite3*,
                                                           const std::vector<std::string>&,
                                                           SqliteSchemaMemory&);
    std::unordered_map<std::string, std::shared_ptr<Object>> objects_;
    std::uint64_t last_id_ = 0;
};

// read_sqlite_schema, reading again only the objects whose sqlite_schema row is new since the
// reads `memory` remembers; the identity lists them (a schema with a virtual table is read
// whole, without identity: its shadow tables depend on the module).
SchemaCatalog::Reading read_sqlite_schema_again(sqlite3* db,
                                                const std::vector<std::string>& excluded_tables,
                                                SqliteSchemaMemory& memory);

}  // namespace runner
