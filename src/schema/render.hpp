// Writes a schema model as deterministic SQL and as JSON. Running the SQL on an empty SQLite
// database and reading it back gives an equal model; equal models give byte-identical text.
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"

namespace runner {

// The whole schema as one SQL script: tables in dependency order (a referenced table before the
// tables that reference it; a cycle is broken at the table whose name sorts first), then indexes,
// views and triggers, each sorted by name. Every statement ends with ";\n".
std::string render_schema_sql(const Schema& schema);

// The tables in the order render_schema_sql() writes them.
std::vector<const TableDef*> tables_in_dependency_order(const Schema& schema);

// One statement each, without the trailing ";".
std::string table_sql(const TableDef& table);
// `table` is the indexed table when it is known: a column's own collation is then not repeated.
std::string index_sql(const IndexDef& index, const TableDef* table);
std::string view_sql(const ViewDef& view);
std::string trigger_sql(const TriggerDef& trigger);

// Pieces of a CREATE TABLE, as table_sql() writes them.
std::string column_sql(const ColumnDef& column, const TableDef& table);
std::string primary_key_sql(const TableDef& table);  // "PRIMARY KEY (a, b)"; "" when none
std::string unique_sql(const UniqueConstraint& unique, const TableDef& table);
std::string check_sql(const CheckConstraint& check);
std::string foreign_key_sql(const ForeignKey& foreign_key);

// The structured model: {"tables":[...],"indexes":[...],"views":[...],"triggers":[...]}.
std::string render_schema_json(const Schema& schema);

}  // namespace runner
