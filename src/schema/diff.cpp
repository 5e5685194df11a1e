// Compares two schema models into a deterministic list of differences.
#include "schema/diff.hpp"

#include <map>

#include "schema/normalize.hpp"
#include "schema/render.hpp"
#include "schema/render_pg.hpp"
#include "util/json.hpp"

namespace runner {
namespace {

using Differences = std::vector<SchemaDifference>;

// The SQL a difference shows, in the schema's dialect.
struct Sql {
    bool pg = false;
    std::string name(const std::string& n) const { return pg ? pg_quote_name(n) : quote_name(n); }
    std::string column(const ColumnDef& c, const TableDef& t) const {
        return pg ? pg_column_sql(c, t) : column_sql(c, t);
    }
    std::string table(const TableDef& t) const { return pg ? pg_table_sql(t) : table_sql(t); }
    std::string primary_key(const TableDef& t) const {
        return pg ? pg_primary_key_sql(t) : primary_key_sql(t);
    }
    std::string unique(const UniqueConstraint& u, const TableDef& t) const {
        return pg ? pg_unique_sql(u) : unique_sql(u, t);
    }
    std::string check(const CheckConstraint& c) const {
        return pg ? pg_check_sql(c) : check_sql(c);
    }
    std::string foreign_key(const ForeignKey& f) const {
        return pg ? pg_foreign_key_sql(f) : foreign_key_sql(f);
    }
    std::string index(const IndexDef& i) const {
        return pg ? pg_index_sql(i) : index_sql(i, nullptr);
    }
    std::string view(const ViewDef& v) const { return pg ? pg_view_sql(v) : view_sql(v); }
    std::string trigger(const TriggerDef& t) const {
        return pg ? pg_trigger_sql(t) : trigger_sql(t);
    }
};

// Items matched by name (tables, indexes, views, triggers), keyed by their folded name.
template <typename T>
std::map<std::string, std::pair<const T*, const T*>> by_name(const std::vector<T>& expected,
                                                             const std::vector<T>& actual) {
    std::map<std::string, std::pair<const T*, const T*>> out;
    for (const T& e : expected) {
        out[fold_name(e.name)].first = &e;
    }
    for (const T& a : actual) {
        out[fold_name(a.name)].second = &a;
    }
    return out;
}

// Unnamed items of one table (constraints): equal ones cancel out; a left-over pair that
// `pairable` accepts is one change; the rest are missing or extra.
template <typename T, typename Same, typename Pairable, typename Sql>
void diff_unnamed(const std::vector<T>& expected, const std::vector<T>& actual, Same same,
                  Pairable pairable, Sql sql, const std::string& object, const std::string& table,
                  Differences& out) {
    std::vector<bool> used(actual.size(), false);
    std::vector<const T*> left;
    for (const T& e : expected) {
        bool found = false;
        for (std::size_t k = 0; k < actual.size() && !found; ++k) {
            if (!used[k] && same(e, actual[k])) {
                used[k] = found = true;
            }
        }
        if (!found) {
            left.push_back(&e);
        }
    }
    for (const T* e : left) {
        std::size_t k = 0;
        while (k < actual.size() && (used[k] || !pairable(*e, actual[k]))) {
            ++k;
        }
        if (k < actual.size()) {
            used[k] = true;
            out.push_back({DifferenceKind::kChanged, object, table, "", sql(*e), sql(actual[k])});
        } else {
            out.push_back({DifferenceKind::kMissing, object, table, "", sql(*e), ""});
        }
    }
    for (std::size_t k = 0; k < actual.size(); ++k) {
        if (!used[k]) {
            out.push_back({DifferenceKind::kExtra, object, table, "", "", sql(actual[k])});
        }
    }
}

std::string column_names(const TableDef& t, const TableDef& other, const Sql& sql) {
    std::string out;
    for (const ColumnDef& c : t.columns) {
        if (find_column(other, c.name)) {
            out += (out.empty() ? "" : ", ") + sql.name(c.name);
        }
    }
    return out;
}

void diff_columns(const TableDef& e, const TableDef& a, const Sql& sql, Differences& out) {
    for (const ColumnDef& ec : e.columns) {
        const ColumnDef* ac = find_column(a, ec.name);
        if (!ac) {
            out.push_back(
                {DifferenceKind::kMissing, "column", e.name, ec.name, sql.column(ec, e), ""});
        } else if (!same_column(ec, *ac)) {
            out.push_back({DifferenceKind::kChanged, "column", e.name, ec.name, sql.column(ec, e),
                           sql.column(*ac, a)});
        }
    }
    for (const ColumnDef& ac : a.columns) {
        if (!find_column(e, ac.name)) {
            out.push_back(
                {DifferenceKind::kExtra, "column", e.name, ac.name, "", sql.column(ac, a)});
        }
    }
    const std::string e_order = column_names(e, a, sql);
    const std::string a_order = column_names(a, e, sql);
    if (!same_sql(e_order, a_order)) {
        out.push_back({DifferenceKind::kChanged, "column order", e.name, "", e_order, a_order});
    }
}

void diff_option(const TableDef& e, const TableDef& a, bool TableDef::*option,
                 const std::string& name, Differences& out) {
    if (e.*option != a.*option) {
        out.push_back({DifferenceKind::kChanged, "table option", e.name, name,
                       e.*option ? name : "", a.*option ? name : ""});
    }
}

void diff_table(const TableDef& e, const TableDef& a, const Sql& sql, Differences& out) {
    if (!same_sql(e.virtual_using, a.virtual_using)) {
        out.push_back(
            {DifferenceKind::kChanged, "table", e.name, e.name, sql.table(e), sql.table(a)});
        return;
    }
    diff_columns(e, a, sql, out);
    if (!same_key(e.primary_key, a.primary_key)) {
        out.push_back({DifferenceKind::kChanged, "primary key", e.name, "", sql.primary_key(e),
                       sql.primary_key(a)});
    }
    diff_option(e, a, &TableDef::autoincrement, "AUTOINCREMENT", out);
    diff_option(e, a, &TableDef::strict, "STRICT", out);
    diff_option(e, a, &TableDef::without_rowid, "WITHOUT ROWID", out);
    diff_unnamed(
        e.uniques, a.uniques,
        [](const UniqueConstraint& x, const UniqueConstraint& y) {
            return same_key(x.parts, y.parts);
        },
        [](const UniqueConstraint&, const UniqueConstraint&) { return false; },
        [&](const UniqueConstraint& u) { return sql.unique(u, e); }, "unique", e.name, out);
    diff_unnamed(
        e.checks, a.checks, same_check,
        [](const CheckConstraint& x, const CheckConstraint& y) {
            return same_name(x.name, y.name);
        },
        [&](const CheckConstraint& c) { return sql.check(c); }, "check", e.name, out);
    diff_unnamed(
        e.foreign_keys, a.foreign_keys, same_foreign_key,
        [](const ForeignKey& x, const ForeignKey& y) { return same_names(x.columns, y.columns); },
        [&](const ForeignKey& f) { return sql.foreign_key(f); }, "foreign key", e.name, out);
}

std::string table_of(const IndexDef& i) {
    return i.table;
}
std::string table_of(const ViewDef&) {
    return {};
}
std::string table_of(const TriggerDef& t) {
    return t.table;
}
std::string table_of(const EnumTypeDef&) {
    return {};
}
std::string table_of(const SequenceDef&) {
    return {};
}
std::string table_of(const FunctionDef&) {
    return {};
}

template <typename T, typename Same, typename Sql>
void diff_named(const std::vector<T>& expected, const std::vector<T>& actual, Same same, Sql sql,
                const std::string& object, Differences& out) {
    for (const auto& [key, pair] : by_name(expected, actual)) {
        const auto [e, a] = pair;
        if (!a) {
            out.push_back({DifferenceKind::kMissing, object, table_of(*e), e->name, sql(*e), ""});
        } else if (!e) {
            out.push_back({DifferenceKind::kExtra, object, table_of(*a), a->name, "", sql(*a)});
        } else if (!same(*e, *a)) {
            out.push_back(
                {DifferenceKind::kChanged, object, table_of(*e), e->name, sql(*e), sql(*a)});
        }
    }
}

std::string kind_word(DifferenceKind kind) {
    return kind == DifferenceKind::kExtra     ? "extra"
           : kind == DifferenceKind::kMissing ? "missing"
                                              : "changed";
}

// "column users.email", "check on users", "index users_email on users".
std::string subject(const SchemaDifference& d) {
    if (d.object == "column") {
        return "column " + quote_name(d.table) + "." + quote_name(d.name);
    }
    if (d.object == "table" || d.object == "view" || d.object == "type" || d.object == "sequence") {
        return d.object + " " + quote_name(d.name);
    }
    if (d.object == "function") {
        return "function " + d.name;  // with its argument types
    }
    if (d.object == "index" || d.object == "trigger") {
        return d.object + " " + quote_name(d.name) + " on " + quote_name(d.table);
    }
    if (d.object == "table option") {
        return "table option " + d.name + " of " + quote_name(d.table);
    }
    return d.object + " on " + quote_name(d.table);
}

}  // namespace

std::vector<SchemaDifference> diff_schemas(const Schema& expected, const Schema& actual) {
    Differences out;
    const Sql sql{expected.dialect == SchemaDialect::kPostgres ||
                  actual.dialect == SchemaDialect::kPostgres};
    diff_named(
        expected.types, actual.types,
        [](const EnumTypeDef& x, const EnumTypeDef& y) { return x.labels == y.labels; },
        pg_type_sql, "type", out);
    diff_named(
        expected.sequences, actual.sequences,
        [](const SequenceDef& x, const SequenceDef& y) { return x.options == y.options; },
        pg_sequence_sql, "sequence", out);
    diff_named(
        expected.functions, actual.functions,
        [](const FunctionDef& x, const FunctionDef& y) { return x.definition == y.definition; },
        pg_function_sql, "function", out);
    for (const auto& [key, pair] : by_name(expected.tables, actual.tables)) {
        const auto [e, a] = pair;
        if (!a) {
            out.push_back({DifferenceKind::kMissing, "table", e->name, e->name, sql.table(*e), ""});
        } else if (!e) {
            out.push_back({DifferenceKind::kExtra, "table", a->name, a->name, "", sql.table(*a)});
        } else {
            diff_table(*e, *a, sql, out);
        }
    }
    diff_named(
        expected.indexes, actual.indexes, same_index,
        [&](const IndexDef& i) { return sql.index(i); }, "index", out);
    diff_named(
        expected.views, actual.views, same_view, [&](const ViewDef& v) { return sql.view(v); },
        "view", out);
    diff_named(
        expected.triggers, actual.triggers, same_trigger,
        [&](const TriggerDef& t) { return sql.trigger(t); }, "trigger", out);
    return out;
}

std::string render_differences_text(const std::vector<SchemaDifference>& differences) {
    std::string out;
    for (const SchemaDifference& d : differences) {
        out += kind_word(d.kind) + " " + subject(d);
        if (d.kind == DifferenceKind::kChanged) {
            out += "\n    expected: " + (d.expected.empty() ? "(none)" : d.expected);
            out += "\n    actual:   " + (d.actual.empty() ? "(none)" : d.actual) + "\n";
        } else {
            out += ": " + (d.kind == DifferenceKind::kExtra ? d.actual : d.expected) + "\n";
        }
    }
    return out;
}

std::string render_differences_json(const std::vector<SchemaDifference>& differences) {
    std::vector<std::string> items;
    for (const SchemaDifference& d : differences) {
        JsonObject o;
        o.add("kind", kind_word(d.kind)).add("object", d.object).add("table", d.table);
        o.add("name", d.name);
        d.expected.empty() ? o.add_null("expected") : o.add("expected", d.expected);
        d.actual.empty() ? o.add_null("actual") : o.add("actual", d.actual);
        items.push_back(o.str());
    }
    return json_array(items);
}

}  // namespace runner
