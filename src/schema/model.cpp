// The schema of a database as plain values: canonical order, lookups and SQLite's equality.
#include "schema/model.hpp"

#include <algorithm>

#include "schema/normalize.hpp"

namespace runner {
namespace {

// Keys that order two values the same way whenever they are equal as SQLite sees them.
std::string part_key(const KeyPart& p) {
    return fold_name(p.column) + '\x1f' + fold_name(p.expression) + '\x1f' +
           fold_name(p.collation) +
           (p.descending ? "\x1f"
                           "d"
                         : "\x1f"
                           "a");
}

std::string names_key(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) {
        out += fold_name(n) + '\x1e';
    }
    return out;
}

std::string unique_key(const UniqueConstraint& u) {
    std::string out;
    for (const KeyPart& p : u.parts) {
        out += part_key(p) + '\x1e';
    }
    return out;
}

std::string foreign_key_key(const ForeignKey& f) {
    return names_key(f.columns) + '\x1d' + fold_name(f.parent_table) + '\x1d' +
           names_key(f.parent_columns) + '\x1d' + f.on_delete + '\x1d' + f.on_update + '\x1d' +
           f.match +
           (f.deferred ? "\x1d"
                         "d"
                       : "\x1d"
                         "i");
}

template <typename T, typename Key>
void sort_by(std::vector<T>& items, Key key) {
    std::stable_sort(items.begin(), items.end(),
                     [&](const T& a, const T& b) { return key(a) < key(b); });
}

}  // namespace

void canonicalize(Schema& schema) {
    auto by_name = [](const auto& item) { return fold_name(item.name); };
    sort_by(schema.tables, by_name);
    sort_by(schema.indexes, by_name);
    sort_by(schema.views, by_name);
    sort_by(schema.triggers, by_name);
    sort_by(schema.types, by_name);
    sort_by(schema.sequences, by_name);
    sort_by(schema.functions, by_name);
    for (TableDef& t : schema.tables) {
        sort_by(t.uniques, unique_key);
        sort_by(t.checks, [](const CheckConstraint& c) {
            return fold_name(c.name) + '\x1f' + fold_name(c.expression);
        });
        sort_by(t.foreign_keys, foreign_key_key);
    }
}

Schema select_objects(const Schema& schema, const std::function<bool(const Schema&)>& keep) {
    Schema out;
    out.dialect = schema.dialect;
    const auto pick = [&](const auto& items, auto member) {
        for (const auto& item : items) {
            Schema one;
            (one.*member).push_back(item);
            if (keep(one)) {
                (out.*member).push_back(item);
            }
        }
    };
    pick(schema.tables, &Schema::tables);
    pick(schema.indexes, &Schema::indexes);
    pick(schema.views, &Schema::views);
    pick(schema.triggers, &Schema::triggers);
    return out;
}

const TableDef* find_table(const Schema& schema, std::string_view name) {
    for (const TableDef& t : schema.tables) {
        if (same_name(t.name, name)) {
            return &t;
        }
    }
    return nullptr;
}

const ColumnDef* find_column(const TableDef& table, std::string_view name) {
    for (const ColumnDef& c : table.columns) {
        if (same_name(c.name, name)) {
            return &c;
        }
    }
    return nullptr;
}

int primary_key_position(const TableDef& table, std::string_view column) {
    for (std::size_t k = 0; k < table.primary_key.size(); ++k) {
        if (same_name(table.primary_key[k].column, column)) {
            return static_cast<int>(k) + 1;
        }
    }
    return 0;
}

std::string effective_collation(const ColumnDef& column) {
    return column.collation.empty() ? "BINARY" : column.collation;
}

bool same_column(const ColumnDef& a, const ColumnDef& b) {
    return same_name(a.name, b.name) && same_name(a.type, b.type) && a.not_null == b.not_null &&
           same_sql(a.default_sql, b.default_sql) &&
           same_name(effective_collation(a), effective_collation(b)) &&
           a.generated == b.generated && same_sql(a.generated_sql, b.generated_sql) &&
           a.identity == b.identity;
}

bool same_key(const std::vector<KeyPart>& a, const std::vector<KeyPart>& b) {
    return std::equal(
        a.begin(), a.end(), b.begin(), b.end(), [](const KeyPart& x, const KeyPart& y) {
            return same_name(x.column, y.column) && same_sql(x.expression, y.expression) &&
                   same_name(x.collation, y.collation) && x.descending == y.descending;
        });
}

bool same_check(const CheckConstraint& a, const CheckConstraint& b) {
    return same_name(a.name, b.name) && same_sql(a.expression, b.expression);
}

bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const std::string& x, const std::string& y) { return same_name(x, y); });
}

bool same_foreign_key(const ForeignKey& a, const ForeignKey& b) {
    return same_names(a.columns, b.columns) && same_name(a.parent_table, b.parent_table) &&
           same_names(a.parent_columns, b.parent_columns) && a.on_delete == b.on_delete &&
           a.on_update == b.on_update && same_name(a.match, b.match) && a.deferred == b.deferred;
}

bool same_index(const IndexDef& a, const IndexDef& b) {
    return same_name(a.name, b.name) && same_name(a.table, b.table) && a.unique == b.unique &&
           same_key(a.parts, b.parts) && same_sql(a.where, b.where) &&
           same_sql(a.definition, b.definition);
}

bool same_view(const ViewDef& a, const ViewDef& b) {
    return same_name(a.name, b.name) && same_names(a.columns, b.columns) &&
           same_sql(a.select, b.select);
}

bool same_trigger(const TriggerDef& a, const TriggerDef& b) {
    return same_name(a.name, b.name) && same_name(a.table, b.table) &&
           same_sql(a.definition, b.definition);
}

}  // namespace runner
