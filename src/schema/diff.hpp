// Compares two schema models: what the database has that the migrations do not (extra), what it
// lacks (missing), and what differs (changed), as values in a deterministic order.
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"

namespace runner {

enum class DifferenceKind { kExtra, kMissing, kChanged };

struct SchemaDifference {
    DifferenceKind kind;
    // "table", "column", "column order", "primary key", "table option", "unique", "check",
    // "foreign key", "index", "view", "trigger".
    std::string object;
    std::string table;     // the table it belongs to; the table itself for "table"; "" for a view
    std::string name;      // the column, index, view, trigger or option; "" for a constraint
    std::string expected;  // its SQL in `expected`; "" when extra
    std::string actual;    // its SQL in `actual`; "" when missing
};

// Every difference between `expected` (say, what the migrations build) and `actual` (the live
// database): tables and what belongs to them, sorted by table name, then indexes, views and
// triggers, sorted by name. Empty when the schemas are equal.
std::vector<SchemaDifference> diff_schemas(const Schema& expected, const Schema& actual);

// "extra column users.nickname: nickname TEXT", one line per difference; a change adds an
// "expected:" and an "actual:" line. Empty for no differences.
std::string render_differences_text(const std::vector<SchemaDifference>& differences);

// [{"kind":"extra","object":"column","table":"users","name":"nickname","expected":null,...}]
std::string render_differences_json(const std::vector<SchemaDifference>& differences);

}  // namespace runner
