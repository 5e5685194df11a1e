// Reads what SQLite keeps only in the stored CREATE text (CHECKs, collations, generated columns,
// AUTOINCREMENT, DEFERRABLE, index expressions, view and trigger bodies); the catalog reader
// takes everything else from the pragmas. Pure: it sees text that SQLite already accepted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"

namespace runner {

struct ForeignKeyText {
    std::vector<std::string> columns;  // the child columns
    std::string parent_table;
    bool deferred = false;  // DEFERRABLE INITIALLY DEFERRED
};

struct ColumnText {
    std::string name;
    std::string collation;  // upper case; empty when none is given
    Generated generated = Generated::kNone;
    std::string generated_sql;  // not yet normalised (it needs the table's column names)
};

struct CheckText {
    std::string name;        // empty when unnamed
    std::string expression;  // not yet normalised
};

// CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name ( column-def | table-constraint, ... ) opts
//   column-def: name [type] { [CONSTRAINT name] PRIMARY KEY ... [AUTOINCREMENT] | NOT NULL |
//               UNIQUE | CHECK (expr) | DEFAULT ... | COLLATE name | REFERENCES fk-clause |
//               [GENERATED ALWAYS] AS (expr) [STORED | VIRTUAL] }
//   table-constraint: [CONSTRAINT name] PRIMARY KEY (...) | UNIQUE (...) | CHECK (expr) |
//               FOREIGN KEY (cols) REFERENCES fk-clause
//   fk-clause:  parent [(cols)] { ON DELETE|UPDATE action | MATCH name |
//               [NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE] }
// A CREATE TABLE ... AS SELECT has no column text: every list comes back empty.
struct TableText {
    std::vector<ColumnText> columns;
    std::vector<CheckText> checks;  // column and table CHECKs, in the order written
    std::vector<ForeignKeyText> foreign_keys;
    bool autoincrement = false;
};
TableText parse_create_table(std::string_view sql);

// CREATE [UNIQUE] INDEX [IF NOT EXISTS] [schema.]name ON table ( item, ... ) [WHERE expr]
//   item: expr [COLLATE name] [ASC|DESC]; `items` holds each expr without COLLATE and order.
struct IndexText {
    bool unique = false;
    std::vector<std::string> items;  // not yet normalised
    std::string where;               // not yet normalised; empty when not partial
};
IndexText parse_create_index(std::string_view sql);

// CREATE [TEMP] VIEW [IF NOT EXISTS] [schema.]name [(columns)] AS select
struct ViewText {
    std::vector<std::string> columns;
    std::string select;  // normalised
};
ViewText parse_create_view(std::string_view sql);

// CREATE [TEMP] TRIGGER [IF NOT EXISTS] [schema.]name rest: `rest`, normalised, without the
// optional FOR EACH ROW and with the implied BEFORE written out.
std::string parse_create_trigger(std::string_view sql);

// CREATE VIRTUAL TABLE [IF NOT EXISTS] [schema.]name USING module[(args)]: "module(args)",
// normalised.
std::string parse_create_virtual_table(std::string_view sql);

}  // namespace runner
