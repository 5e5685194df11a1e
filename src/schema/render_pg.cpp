// Writes a PostgreSQL schema model as PostgreSQL SQL; see render_pg.hpp.
#include "schema/render_pg.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "schema/normalize.hpp"
#include "schema/render.hpp"

namespace runner {
namespace {

// The keywords quote_ident() quotes: PostgreSQL's reserved, column-name and
// type-or-function-name keywords (unreserved ones stay bare). Sorted, for binary search.
constexpr std::array<std::string_view, 164> kPgKeywords = {
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
};
static_assert(std::is_sorted(kPgKeywords.begin(), kPgKeywords.end()), "binary search needs order");

std::string names_sql(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) {
        out += (out.empty() ? "" : ", ") + pg_quote_name(n);
    }
    return out;
}

std::string parts_sql(const std::vector<KeyPart>& parts) {
    std::string out;
    for (const KeyPart& p : parts) {
        out += (out.empty() ? "" : ", ") +
               (p.expression.empty() ? pg_quote_name(p.column) : "(" + p.expression + ")");
        out += p.descending ? " DESC" : "";
    }
    return out;
}

// Whether the deparsed `expression` can follow DEFAULT as it is: no blank outside a literal or
// a quoted name ("now()", "'x'::text", "nextval('s'::regclass)").
bool is_bare(std::string_view expression) {
    char quote = 0;
    for (const char c : expression) {
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return !expression.empty();
}

bool is_serial(const ColumnDef& c) {
    return c.type == "serial" || c.type == "bigserial" || c.type == "smallserial";
}

// Whether `text` names `name` as a whole word (a view that reads another view).
bool mentions(const std::string& text, const std::string& name) {
    const auto word = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
    };
    for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
        const auto end = at + name.size();
        if ((at == 0 || !word(text[at - 1])) && (end == text.size() || !word(text[end]))) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string pg_quote_name(std::string_view name) {
    const bool plain =
        !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
        std::all_of(name.begin(), name.end(), [](char c) {
            return std::islower(static_cast<unsigned char>(c)) ||
                   std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '$';
        });
    if (plain && !std::binary_search(kPgKeywords.begin(), kPgKeywords.end(), name)) {
        return std::string(name);
    }
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string pg_column_sql(const ColumnDef& c, const TableDef& table) {
    std::string out = pg_quote_name(c.name);
    if (!c.type.empty()) {
        out += " " + c.type;
    }
    if (!c.identity.empty()) {
        out += " GENERATED " + c.identity + " AS IDENTITY";
    }
    const bool inline_key = table.primary_key.size() == 1 &&
                            table.primary_key[0].expression.empty() &&
                            same_name(table.primary_key[0].column, c.name);
    if (inline_key) {
        out += " PRIMARY KEY";
    }
    // NOT NULL that the key, the identity or serial imply is not repeated.
    if (c.not_null && !inline_key && c.identity.empty() && !is_serial(c)) {
        out += " NOT NULL";
    }
    if (!c.default_sql.empty()) {
        out += is_bare(c.default_sql) ? " DEFAULT " + c.default_sql
                                      : " DEFAULT (" + c.default_sql + ")";
    }
    if (!c.collation.empty()) {
        out += " COLLATE " + c.collation;
    }
    if (c.generated != Generated::kNone) {
        out += " GENERATED ALWAYS AS (" + c.generated_sql + ") STORED";
    }
    return out;
}

std::string pg_primary_key_sql(const TableDef& table) {
    return table.primary_key.empty() ? std::string()
                                     : "PRIMARY KEY (" + parts_sql(table.primary_key) + ")";
}

std::string pg_unique_sql(const UniqueConstraint& unique) {
    return "UNIQUE (" + parts_sql(unique.parts) + ")";
}

std::string pg_check_sql(const CheckConstraint& check) {
    const std::string body = "CHECK (" + check.expression + ")";
    return check.name.empty() ? body : "CONSTRAINT " + pg_quote_name(check.name) + " " + body;
}

std::string pg_foreign_key_sql(const ForeignKey& f) {
    std::string out =
        "FOREIGN KEY (" + names_sql(f.columns) + ") REFERENCES " + pg_quote_name(f.parent_table);
    if (!f.parent_columns.empty()) {
        out += " (" + names_sql(f.parent_columns) + ")";
    }
    if (!same_name(f.match, "NONE")) {
        out += " MATCH " + f.match;
    }
    if (f.on_delete != "NO ACTION") {
        out += " ON DELETE " + f.on_delete;
    }
    if (f.on_update != "NO ACTION") {
        out += " ON UPDATE " + f.on_update;
    }
    return out + (f.deferred ? " DEFERRABLE INITIALLY DEFERRED" : "");
}

namespace {
std::string table_body(const TableDef& t, const std::set<std::string>& later_parents) {
    std::vector<std::string> lines;
    for (const ColumnDef& c : t.columns) {
        lines.push_back(pg_column_sql(c, t));
    }
    if (t.primary_key.size() > 1) {
        lines.push_back(pg_primary_key_sql(t));
    }
    for (const UniqueConstraint& u : t.uniques) {
        lines.push_back(pg_unique_sql(u));
    }
    for (const CheckConstraint& c : t.checks) {
        lines.push_back(pg_check_sql(c));
    }
    for (const ForeignKey& f : t.foreign_keys) {
        if (!later_parents.count(fold_name(f.parent_table))) {
            lines.push_back(pg_foreign_key_sql(f));
        }
    }
    std::string out = "CREATE TABLE " + pg_quote_name(t.name) + " (";
    for (std::size_t k = 0; k < lines.size(); ++k) {
        out += "\n    " + lines[k] + (k + 1 < lines.size() ? "," : "");
    }
    return out + "\n)";
}
}  // namespace

std::string pg_table_sql(const TableDef& t) {
    return table_body(t, {});
}

std::string pg_index_sql(const IndexDef& index) {
    if (!index.definition.empty()) {
        return index.definition;
    }
    std::string out = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                      pg_quote_name(index.name) + " ON " + pg_quote_name(index.table) + " (" +
                      parts_sql(index.parts) + ")";
    return index.where.empty() ? out : out + " WHERE " + index.where;
}

std::string pg_view_sql(const ViewDef& view) {
    std::string out = "CREATE VIEW " + pg_quote_name(view.name);
    if (!view.columns.empty()) {
        out += " (" + names_sql(view.columns) + ")";
    }
    return out + " AS " + view.select;
}

std::string pg_trigger_sql(const TriggerDef& trigger) {
    return "CREATE TRIGGER " + pg_quote_name(trigger.name) + " " + trigger.definition;
}

std::string pg_type_sql(const EnumTypeDef& type) {
    std::string labels;
    for (const std::string& l : type.labels) {
        labels += (labels.empty() ? "'" : ", '");
        for (const char c : l) {
            labels += c == '\'' ? std::string("''") : std::string(1, c);
        }
        labels += "'";
    }
    return "CREATE TYPE " + pg_quote_name(type.name) + " AS ENUM (" + labels + ")";
}

std::string pg_sequence_sql(const SequenceDef& sequence) {
    return "CREATE SEQUENCE " + pg_quote_name(sequence.name) +
           (sequence.options.empty() ? "" : " " + sequence.options);
}

std::string pg_function_sql(const FunctionDef& function) {
    return function.definition;
}

std::string pg_render_schema_sql(const Schema& schema) {
    std::string out;
    for (const EnumTypeDef& t : schema.types) {
        out += pg_type_sql(t) + ";\n";
    }
    for (const SequenceDef& s : schema.sequences) {
        out += pg_sequence_sql(s) + ";\n";
    }
    if (!schema.functions.empty()) {
        // Function bodies may name tables created below, as pg_dump's output does.
        out += "SET check_function_bodies = false;\n";
    }
    for (const FunctionDef& f : schema.functions) {
        out += pg_function_sql(f) + ";\n";
    }
    // A foreign key to a table created later (a cycle) is added once every table exists.
    std::set<std::string> created;
    std::string deferred;
    for (const TableDef* t : tables_in_dependency_order(schema)) {
        std::set<std::string> later;
        for (const ForeignKey& f : t->foreign_keys) {
            const std::string parent = fold_name(f.parent_table);
            if (parent != fold_name(t->name) && !created.count(parent)) {
                later.insert(parent);
                deferred += "ALTER TABLE " + pg_quote_name(t->name) + " ADD " +
                            pg_foreign_key_sql(f) + ";\n";
            }
        }
        out += table_body(*t, later) + ";\n";
        created.insert(fold_name(t->name));
    }
    out += deferred;
    for (const IndexDef& i : schema.indexes) {
        out += pg_index_sql(i) + ";\n";
    }
    // Views by name, a view that reads another after it.
    std::vector<const ViewDef*> views;
    for (const ViewDef& v : schema.views) {
        views.push_back(&v);
    }
    while (!views.empty()) {
        auto next = std::find_if(views.begin(), views.end(), [&](const ViewDef* v) {
            return std::none_of(views.begin(), views.end(), [&](const ViewDef* other) {
                return other != v && mentions(v->select, other->name);
            });
        });
        if (next == views.end()) {
            next = views.begin();  // a cycle cannot be created; keep the name order
        }
        out += pg_view_sql(**next) + ";\n";
        views.erase(next);
    }
    for (const TriggerDef& t : schema.triggers) {
        out += pg_trigger_sql(t) + ";\n";
    }
    return out;
}

}  // namespace runner
