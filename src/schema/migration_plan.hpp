// Autogenerate's planner: the SQLite up and down SQL that turn one schema model into another,
// with ADD/DROP COLUMN where SQLite allows them and the 12-step table rebuild everywhere else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"

namespace runner {

// A rename the user asserts: `TABLE=NEW` (column empty) or `TABLE.COLUMN=NEW`. `table` and
// `column` are names in the old schema; `new_name` is the name in the new one.
struct RenameHint {
    std::string table;
    std::string column;
    std::string new_name;
};

// TABLE=NEW | TABLE.COLUMN=NEW; names may be "double-quoted" (then a dot inside is kept).
// Throws UsageError naming the hint when it is not of that form.
RenameHint parse_rename_hint(std::string_view text);

// The hints that undo `hints`: NEW=TABLE, NEW_TABLE.NEW=COLUMN.
std::vector<RenameHint> invert_renames(const std::vector<RenameHint>& hints);

// One direction of a migration: its SQL (statements and comments, no header) and the review
// notes it carries (each also written in the SQL as a "-- REVIEW ..." comment).
struct PlannedScript {
    std::string sql;
    std::vector<std::string> reviews;
    bool empty = true;  // the schemas are equal: there is nothing to do
};

// The SQL that turns a database with schema `from` into one with schema `to`. Throws Error when
// a hint names a table or column that is not there. Pure.
PlannedScript plan_script(const Schema& from, const Schema& to,
                          const std::vector<RenameHint>& renames);

struct MigrationPlan {
    PlannedScript up;    // from -> to
    PlannedScript down;  // to -> from: the exact inverse
};
MigrationPlan plan_migration(const Schema& from, const Schema& to,
                             const std::vector<RenameHint>& renames);

}  // namespace runner
