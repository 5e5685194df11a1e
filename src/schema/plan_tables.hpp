// The planner's table-level pieces: renames applied to a model, which tables SQLite can ALTER in
// place, and the SQL of a 12-step rebuild. Internal to schema/migration_plan.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/migration_plan.hpp"
#include "schema/model.hpp"

namespace runner {

// Whether `sql` names `name` (as a bare or quoted identifier token), compared as SQLite does.
bool sql_mentions(std::string_view sql, std::string_view name);

// `from` as it is after the hinted renames ran (column renames, then table renames): names,
// keys, indexes, foreign keys and CHECK/generated/index expressions follow, as ALTER TABLE ...
// RENAME makes them follow. Views and triggers are left as they are. Throws Error when a hint
// names a table or column that is not in `from`, or a new name that is not in `to`.
Schema apply_renames(const Schema& from, const Schema& to, const std::vector<RenameHint>& hints);

// Equal tables, as diff_schemas() sees them.
bool same_table(const TableDef& a, const TableDef& b);

// How `from` becomes `to` (same name): nothing, ALTER TABLE ADD/DROP COLUMN, or a rebuild.
// `from_schema` is the whole schema `from` lives in (its indexes, views and triggers decide
// whether SQLite lets a column be dropped).
enum class TableChange { kSame, kAlter, kRebuild };
struct TableAlter {
    std::vector<std::string> drop_columns;
    std::vector<ColumnDef> add_columns;  // in `to`'s order, appended at the end
};
TableChange classify_table(const TableDef& from, const TableDef& to, const Schema& from_schema,
                           TableAlter& alter);

// "ALTER TABLE t ADD COLUMN c ..." for a column of `to`, with its REFERENCES clause if any.
std::string add_column_sql(const ColumnDef& column, const TableDef& to);

// The columns whose rows a rebuild of virtual table `from` into `to` copies: those both declare,
// with "rowid" first for the full-text modules; empty when nothing can be copied (another
// module, or a full-text table whose content lives elsewhere or nowhere: content=...).
std::vector<std::string> virtual_copy_columns(const TableDef& from, const TableDef& to);

// The rebuild of virtual table `from` into `to` under `temp_name`, copying `columns`: create,
// copy, drop, rename. Statements without ";".
std::vector<std::string> virtual_rebuild_statements(const TableDef& from, const TableDef& to,
                                                    const std::string& temp_name,
                                                    const std::vector<std::string>& columns);

// The rebuild of `from` into `to` under the temporary name `temp_name`: create, copy the
// surviving columns (and rowid, and the AUTOINCREMENT counter), drop, rename. Statements
// without ";". The indexes, triggers and views are the caller's.
std::vector<std::string> rebuild_statements(const TableDef& from, const TableDef& to,
                                            const std::string& temp_name);

// What a person must check when `from` becomes `to`: dropped columns, NOT NULL without a
// default, narrowed types, new CHECKs. One sentence each, without the "REVIEW" prefix.
std::vector<std::string> table_reviews(const TableDef& from, const TableDef& to, bool rebuilt);

// True when the table's rowid is an alias of its INTEGER PRIMARY KEY column.
bool has_rowid_alias(const TableDef& table);

}  // namespace runner
