// Writes a schema model as deterministic SQL and as JSON.
#include "schema/render.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "schema/normalize.hpp"
#include "schema/render_pg.hpp"
#include "util/json.hpp"

namespace runner {
namespace {

std::string names_sql(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) {
        out += (out.empty() ? "" : ", ") + quote_name(n);
    }
    return out;
}

// A key part; a column's own collation is the default and is not repeated.
std::string part_sql(const KeyPart& part, const TableDef* table) {
    std::string out;
    std::string implied = "BINARY";
    if (part.expression.empty()) {
        out = quote_name(part.column);
        const ColumnDef* column = table ? find_column(*table, part.column) : nullptr;
        if (column) {
            implied = effective_collation(*column);
        }
    } else {
        out = "(" + part.expression + ")";
    }
    if (!part.collation.empty() && !same_name(part.collation, implied)) {
        out += " COLLATE " + part.collation;
    }
    return out + (part.descending ? " DESC" : "");
}

std::string parts_sql(const std::vector<KeyPart>& parts, const TableDef* table) {
    std::string out;
    for (const KeyPart& p : parts) {
        out += (out.empty() ? "" : ", ") + part_sql(p, table);
    }
    return out;
}

// A one-column key on a column with the column's collation is written on the column itself, which
// keeps an INTEGER PRIMARY KEY a rowid alias and allows AUTOINCREMENT.
bool primary_key_inline(const TableDef& table) {
    if (table.primary_key.size() != 1 || !table.primary_key[0].expression.empty()) {
        return false;
    }
    const KeyPart& part = table.primary_key[0];
    const ColumnDef* column = find_column(table, part.column);
    return column &&
           (part.collation.empty() || same_name(part.collation, effective_collation(*column)));
}

std::string generated_name(Generated g) {
    return g == Generated::kStored ? "STORED" : g == Generated::kVirtual ? "VIRTUAL" : "";
}

std::string part_json(const KeyPart& p) {
    JsonObject o;
    if (p.expression.empty()) {
        o.add("column", p.column);
    } else {
        o.add("expression", p.expression);
    }
    return o.add("collation", p.collation).add("descending", p.descending).str();
}

std::string parts_json(const std::vector<KeyPart>& parts) {
    std::vector<std::string> out;
    for (const KeyPart& p : parts) {
        out.push_back(part_json(p));
    }
    return json_array(out);
}

std::string table_json(const TableDef& t) {
    std::vector<std::string> columns;
    for (const ColumnDef& c : t.columns) {
        JsonObject o;
        o.add("name", c.name).add("type", c.type).add("not_null", c.not_null);
        c.default_sql.empty() ? o.add_null("default") : o.add("default", c.default_sql);
        o.add("collation", effective_collation(c))
            .add("primary_key_position", primary_key_position(t, c.name));
        if (c.generated != Generated::kNone) {
            o.add("generated", generated_name(c.generated)).add("expression", c.generated_sql);
        }
        if (!c.identity.empty()) {
            o.add("identity", c.identity);
        }
        columns.push_back(o.str());
    }
    std::vector<std::string> uniques;
    for (const UniqueConstraint& u : t.uniques) {
        uniques.push_back(parts_json(u.parts));
    }
    std::vector<std::string> checks;
    for (const CheckConstraint& c : t.checks) {
        checks.push_back(JsonObject().add("name", c.name).add("expression", c.expression).str());
    }
    std::vector<std::string> fks;
    for (const ForeignKey& f : t.foreign_keys) {
        fks.push_back(JsonObject()
                          .add_raw("columns", json_strings(f.columns))
                          .add("parent_table", f.parent_table)
                          .add_raw("parent_columns", json_strings(f.parent_columns))
                          .add("on_delete", f.on_delete)
                          .add("on_update", f.on_update)
                          .add("match", f.match)
                          .add("deferred", f.deferred)
                          .str());
    }
    JsonObject o;
    o.add("name", t.name);
    if (!t.virtual_using.empty()) {
        o.add("virtual_using", t.virtual_using);
    }
    return o.add_raw("columns", json_array(columns))
        .add_raw("primary_key", parts_json(t.primary_key))
        .add("autoincrement", t.autoincrement)
        .add_raw("unique", json_array(uniques))
        .add_raw("checks", json_array(checks))
        .add_raw("foreign_keys", json_array(fks))
        .add("strict", t.strict)
        .add("without_rowid", t.without_rowid)
        .str();
}

// Pointers to `items`, sorted by name as SQLite compares names.
template <typename T>
std::vector<const T*> sorted_by_name(const std::vector<T>& items) {
    std::vector<const T*> out;
    for (const T& item : items) {
        out.push_back(&item);
    }
    std::stable_sort(out.begin(), out.end(), [](const T* a, const T* b) {
        return fold_name(a->name) < fold_name(b->name);
    });
    return out;
}

}  // namespace

std::vector<const TableDef*> tables_in_dependency_order(const Schema& schema) {
    // Kahn's algorithm, always taking the ready table whose name sorts first.
    std::map<std::string, const TableDef*> remaining;
    for (const TableDef& t : schema.tables) {
        remaining.emplace(fold_name(t.name), &t);
    }
    std::map<std::string, std::set<std::string>> parents;
    std::map<std::string, std::set<std::string>> children;
    for (const auto& [name, table] : remaining) {
        parents[name];
        for (const ForeignKey& f : table->foreign_keys) {
            const std::string p = fold_name(f.parent_table);
            if (p != name && remaining.count(p)) {
                parents[name].insert(p);
                children[p].insert(name);
            }
        }
    }
    std::set<std::string> ready;
    for (const auto& [name, of] : parents) {
        if (of.empty()) {
            ready.insert(name);
        }
    }
    std::vector<const TableDef*> out;
    while (!remaining.empty()) {
        // In a cycle nothing is ready: SQLite does not need a parent to exist yet.
        const std::string next = ready.empty() ? remaining.begin()->first : *ready.begin();
        ready.erase(next);
        out.push_back(remaining.at(next));
        remaining.erase(next);
        for (const std::string& child : children[next]) {
            if (remaining.count(child) && parents[child].erase(next) && parents[child].empty()) {
                ready.insert(child);
            }
        }
    }
    return out;
}

std::string column_sql(const ColumnDef& c, const TableDef& table) {
    std::string out = quote_name(c.name);
    if (!c.type.empty()) {
        out += " " + c.type;
    }
    if (primary_key_inline(table) && same_name(table.primary_key[0].column, c.name)) {
        out += " PRIMARY KEY";
        out += table.primary_key[0].descending ? " DESC" : "";
        out += table.autoincrement ? " AUTOINCREMENT" : "";
    }
    if (c.not_null) {
        out += " NOT NULL";
    }
    if (!c.default_sql.empty()) {
        out += is_bare_default(c.default_sql) ? " DEFAULT " + c.default_sql
                                              : " DEFAULT (" + c.default_sql + ")";
    }
    if (!c.collation.empty()) {
        out += " COLLATE " + c.collation;
    }
    if (c.generated != Generated::kNone) {
        out += " GENERATED ALWAYS AS (" + c.generated_sql + ") " + generated_name(c.generated);
    }
    return out;
}

std::string primary_key_sql(const TableDef& table) {
    if (table.primary_key.empty()) {
        return {};
    }
    return "PRIMARY KEY (" + parts_sql(table.primary_key, &table) + ")";
}

std::string unique_sql(const UniqueConstraint& unique, const TableDef& table) {
    return "UNIQUE (" + parts_sql(unique.parts, &table) + ")";
}

std::string check_sql(const CheckConstraint& check) {
    const std::string body = "CHECK (" + check.expression + ")";
    return check.name.empty() ? body : "CONSTRAINT " + quote_name(check.name) + " " + body;
}

std::string foreign_key_sql(const ForeignKey& f) {
    std::string out =
        "FOREIGN KEY (" + names_sql(f.columns) + ") REFERENCES " + quote_name(f.parent_table);
    if (!f.parent_columns.empty()) {
        out += " (" + names_sql(f.parent_columns) + ")";
    }
    if (f.on_delete != "NO ACTION") {
        out += " ON DELETE " + f.on_delete;
    }
    if (f.on_update != "NO ACTION") {
        out += " ON UPDATE " + f.on_update;
    }
    if (!same_name(f.match, "NONE")) {
        out += " MATCH " + f.match;
    }
    return out + (f.deferred ? " DEFERRABLE INITIALLY DEFERRED" : "");
}

std::string table_sql(const TableDef& t) {
    if (!t.virtual_using.empty()) {
        return "CREATE VIRTUAL TABLE " + quote_name(t.name) + " USING " + t.virtual_using;
    }
    std::vector<std::string> lines;
    for (const ColumnDef& c : t.columns) {
        lines.push_back(column_sql(c, t));
    }
    if (!primary_key_inline(t) && !t.primary_key.empty()) {
        lines.push_back(primary_key_sql(t));
    }
    for (const UniqueConstraint& u : t.uniques) {
        lines.push_back(unique_sql(u, t));
    }
    for (const CheckConstraint& c : t.checks) {
        lines.push_back(check_sql(c));
    }
    for (const ForeignKey& f : t.foreign_keys) {
        lines.push_back(foreign_key_sql(f));
    }
    std::string out = "CREATE TABLE " + quote_name(t.name) + " (";
    for (std::size_t k = 0; k < lines.size(); ++k) {
        out += "\n    " + lines[k] + (k + 1 < lines.size() ? "," : "");
    }
    out += "\n)";
    std::string options;
    if (t.strict) {
        options = " STRICT";
    }
    if (t.without_rowid) {
        options += (options.empty() ? " " : ", ") + std::string("WITHOUT ROWID");
    }
    return out + options;
}

std::string index_sql(const IndexDef& index, const TableDef* table) {
    std::string out = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                      quote_name(index.name) + " ON " + quote_name(index.table) + " (" +
                      parts_sql(index.parts, table) + ")";
    return index.where.empty() ? out : out + " WHERE " + index.where;
}

std::string view_sql(const ViewDef& view) {
    std::string out = "CREATE VIEW " + quote_name(view.name);
    if (!view.columns.empty()) {
        out += " (" + names_sql(view.columns) + ")";
    }
    return out + " AS " + view.select;
}

std::string trigger_sql(const TriggerDef& trigger) {
    return "CREATE TRIGGER " + quote_name(trigger.name) + " " + trigger.definition;
}

std::string render_schema_sql(const Schema& schema) {
    if (schema.dialect == SchemaDialect::kPostgres) {
        return pg_render_schema_sql(schema);
    }
    std::string out;
    for (const TableDef* t : tables_in_dependency_order(schema)) {
        out += table_sql(*t) + ";\n";
    }
    std::map<std::string, const TableDef*> tables;
    for (const TableDef& t : schema.tables) {
        tables.emplace(fold_name(t.name), &t);
    }
    for (const IndexDef* i : sorted_by_name(schema.indexes)) {
        const auto table = tables.find(fold_name(i->table));
        out += index_sql(*i, table == tables.end() ? nullptr : table->second) + ";\n";
    }
    for (const ViewDef* v : sorted_by_name(schema.views)) {
        out += view_sql(*v) + ";\n";
    }
    for (const TriggerDef* t : sorted_by_name(schema.triggers)) {
        out += trigger_sql(*t) + ";\n";
    }
    return out;
}

std::string render_schema_json(const Schema& schema) {
    std::vector<std::string> tables;
    for (const TableDef* t : tables_in_dependency_order(schema)) {
        tables.push_back(table_json(*t));
    }
    std::vector<std::string> indexes;
    for (const IndexDef* ip : sorted_by_name(schema.indexes)) {
        const IndexDef& i = *ip;
        JsonObject o;
        o.add("name", i.name).add("table", i.table).add("unique", i.unique);
        o.add_raw("parts", parts_json(i.parts));
        i.where.empty() ? o.add_null("where") : o.add("where", i.where);
        if (!i.definition.empty()) {
            o.add("sql", i.definition);
        }
        indexes.push_back(o.str());
    }
    std::vector<std::string> views;
    for (const ViewDef* vp : sorted_by_name(schema.views)) {
        const ViewDef& v = *vp;
        views.push_back(JsonObject()
                            .add("name", v.name)
                            .add_raw("columns", json_strings(v.columns))
                            .add("select", v.select)
                            .add("sql", schema.dialect == SchemaDialect::kPostgres ? pg_view_sql(v)
                                                                                   : view_sql(v))
                            .str());
    }
    std::vector<std::string> triggers;
    for (const TriggerDef* tp : sorted_by_name(schema.triggers)) {
        const TriggerDef& t = *tp;
        triggers.push_back(JsonObject()
                               .add("name", t.name)
                               .add("table", t.table)
                               .add("sql", schema.dialect == SchemaDialect::kPostgres
                                               ? pg_trigger_sql(t)
                                               : trigger_sql(t))
                               .str());
    }
    JsonObject out;
    if (schema.dialect == SchemaDialect::kPostgres) {
        std::vector<std::string> types, sequences, functions;
        for (const EnumTypeDef& t : schema.types) {
            types.push_back(
                JsonObject().add("name", t.name).add_raw("labels", json_strings(t.labels)).str());
        }
        for (const SequenceDef& q : schema.sequences) {
            sequences.push_back(
                JsonObject().add("name", q.name).add("sql", pg_sequence_sql(q)).str());
        }
        for (const FunctionDef& f : schema.functions) {
            functions.push_back(JsonObject().add("name", f.name).add("sql", f.definition).str());
        }
        out.add("dialect", "postgresql")
            .add_raw("types", json_array(types))
            .add_raw("sequences", json_array(sequences))
            .add_raw("functions", json_array(functions));
    }
    return out.add_raw("tables", json_array(tables))
        .add_raw("indexes", json_array(indexes))
        .add_raw("views", json_array(views))
        .add_raw("triggers", json_array(triggers))
        .str();
}

}  // namespace runner
