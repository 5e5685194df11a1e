// The schema of a database as plain values: what runner reads, compares, renders and diffs.
// Names compare case-insensitively, as SQLite compares them; the user's spelling is kept for
// output. SQL that exists only as text is held normalised (schema/normalize.hpp).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace runner {

enum class Generated { kNone, kVirtual, kStored };

struct ColumnDef {
    std::string name;
    std::string type;  // declared type, normalise_type()d: "VARCHAR(20)"; empty when none
    bool not_null = false;
    std::string default_sql;  // normalize_default()ed; empty when there is no default
    std::string collation;    // upper case; empty: BINARY
    Generated generated = Generated::kNone;
    std::string generated_sql;  // normalised expression of a generated column
    std::string identity = {};  // PostgreSQL: "ALWAYS" or "BY DEFAULT"; empty when not identity
};

// One part of a key or an index: a column or an expression, its collation and order.
struct KeyPart {
    std::string column;      // empty for an expression
    std::string expression;  // normalised; empty for a column
    std::string collation;   // the collation in effect, upper case ("BINARY", "NOCASE")
    bool descending = false;
};

struct UniqueConstraint {
    std::vector<KeyPart> parts;
};

struct CheckConstraint {
    std::string name;        // empty when unnamed
    std::string expression;  // normalised
};

struct ForeignKey {
    std::vector<std::string> columns;  // child columns
    std::string parent_table;
    std::vector<std::string> parent_columns;  // empty only when the parent is unknown
    std::string on_delete = "NO ACTION";      // upper case, as pragma_foreign_key_list
    std::string on_update = "NO ACTION";
    std::string match = "NONE";  // "NONE" when no MATCH clause is given
    bool deferred = false;       // DEFERRABLE INITIALLY DEFERRED
};

struct TableDef {
    std::string name;
    std::vector<ColumnDef> columns;  // in table order
    std::vector<KeyPart> primary_key;
    bool autoincrement = false;
    std::vector<UniqueConstraint> uniques;
    std::vector<CheckConstraint> checks;
    std::vector<ForeignKey> foreign_keys;
    bool strict = false;
    bool without_rowid = false;
    // For CREATE VIRTUAL TABLE: "module(args)", normalised; columns and keys are then empty.
    std::string virtual_using;
    // A virtual table's columns as its module declares them (names only; not compared: the
    // module's arguments say the same). What a rebuild of it can copy.
    std::vector<std::string> virtual_columns;
};

struct IndexDef {
    std::string name;
    std::string table;
    bool unique = false;
    std::vector<KeyPart> parts;
    std::string where;  // normalised; empty when the index is not partial
    // PostgreSQL: the server's own CREATE INDEX statement (access method, operator classes,
    // INCLUDE, NULLS order), written and compared as it is; empty on SQLite.
    std::string definition = {};
};

struct ViewDef {
    std::string name;
    std::vector<std::string> columns;  // the optional column list
    std::string select;                // normalised
};

struct TriggerDef {
    std::string name;
    std::string table;
    std::string definition;  // normalised text after the trigger's name: "AFTER INSERT ON ..."
};

// PostgreSQL: an enum type and its labels, in their order.
struct EnumTypeDef {
    std::string name;
    std::vector<std::string> labels;
};

// PostgreSQL: a sequence no column owns (serial and identity columns' own are part of them).
struct SequenceDef {
    std::string name;
    std::string options;  // "AS bigint INCREMENT BY 1 MINVALUE 1 ... START WITH 1 CACHE 1 NO CYCLE"
};

// PostgreSQL: a function or procedure, as the server writes it (pg_get_functiondef).
struct FunctionDef {
    std::string name;        // with its argument types: "touch()", "add(integer, integer)"
    std::string definition;  // the whole CREATE statement, without the schema's name
};

// Which SQL the schema is written in: SQLite's, or PostgreSQL's (whose catalog gives its text
// already canonical, and whose schemas have types, sequences and functions too).
enum class SchemaDialect { kSqlite, kPostgres };

struct Schema {
    SchemaDialect dialect = SchemaDialect::kSqlite;
    std::vector<EnumTypeDef> types;
    std::vector<SequenceDef> sequences;
    std::vector<FunctionDef> functions;
    std::vector<TableDef> tables;
    std::vector<IndexDef> indexes;
    std::vector<ViewDef> views;
    std::vector<TriggerDef> triggers;
};

// Sorts objects by name and each table's UNIQUE, CHECK and FOREIGN KEY lists by content, so that
// equal schemas are equal values whatever order they were read in. Column order is kept.
void canonicalize(Schema& schema);

// The tables, indexes, views and triggers of `schema` that `keep` is true for, each asked about
// as a schema holding just that object; in the same order.
Schema select_objects(const Schema& schema, const std::function<bool(const Schema&)>& keep);

const TableDef* find_table(const Schema& schema, std::string_view name);
const ColumnDef* find_column(const TableDef& table, std::string_view name);
// 1-based position of `column` in the table's primary key; 0 when it is not part of it.
int primary_key_position(const TableDef& table, std::string_view column);
// The collation a column compares with: its own, else BINARY.
std::string effective_collation(const ColumnDef& column);

// Equality as SQLite sees it: names case-insensitively, SQL text by same_sql().
bool same_column(const ColumnDef& a, const ColumnDef& b);
bool same_key(const std::vector<KeyPart>& a, const std::vector<KeyPart>& b);
bool same_check(const CheckConstraint& a, const CheckConstraint& b);
bool same_foreign_key(const ForeignKey& a, const ForeignKey& b);
bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b);
bool same_index(const IndexDef& a, const IndexDef& b);
bool same_view(const ViewDef& a, const ViewDef& b);
bool same_trigger(const TriggerDef& a, const TriggerDef& b);

}  // namespace runner
