// Writes a PostgreSQL schema model as PostgreSQL SQL: names quoted as quote_ident() quotes them,
// the text the server deparsed (defaults, CHECKs, indexes, views, triggers, functions) as it is.
// render.hpp's functions call these for a schema whose dialect is kPostgres.
#pragma once

#include <string>
#include <string_view>

#include "schema/model.hpp"

namespace runner {

// Bare when PostgreSQL's quote_ident() leaves it bare (lower case letters, digits, '_' and '$',
// not a reserved, column-name or type-or-function-name keyword), else "double-quoted".
std::string pg_quote_name(std::string_view name);

std::string pg_render_schema_sql(const Schema& schema);

std::string pg_column_sql(const ColumnDef& column, const TableDef& table);
std::string pg_primary_key_sql(const TableDef& table);
std::string pg_unique_sql(const UniqueConstraint& unique);
std::string pg_check_sql(const CheckConstraint& check);
std::string pg_foreign_key_sql(const ForeignKey& foreign_key);
std::string pg_table_sql(const TableDef& table);
std::string pg_index_sql(const IndexDef& index);
std::string pg_view_sql(const ViewDef& view);
std::string pg_trigger_sql(const TriggerDef& trigger);
std::string pg_type_sql(const EnumTypeDef& type);
std::string pg_sequence_sql(const SequenceDef& sequence);
std::string pg_function_sql(const FunctionDef& function);

}  // namespace runner
