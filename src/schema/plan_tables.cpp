// The planner's table-level pieces: renames, in-place ALTERs and the 12-step rebuild.
#include "schema/plan_tables.hpp"

#include <algorithm>
#include <cctype>

#include "schema/diff.hpp"
#include "schema/normalize.hpp"
#include "schema/render.hpp"
#include "schema/sql_lexer.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

bool is_name_token(const SqlToken& t) {
    return t.kind == SqlTokenKind::kWord || t.kind == SqlTokenKind::kQuotedName;
}

// `sql` with every identifier token naming `old_name` written as `new_name`, normalised.
std::string rename_in_sql(const std::string& sql, std::string_view old_name,
                          std::string_view new_name) {
    if (sql.empty() || !sql_mentions(sql, old_name)) {
        return sql;
    }
    std::string out;
    std::size_t copied = 0;
    for (const SqlToken& t : lex_sql(sql)) {
        if (is_name_token(t) && same_name(token_name(t), old_name)) {
            out += sql.substr(copied, t.offset - copied) + quote_name(new_name);
            copied = t.offset + t.text.size();
        }
    }
    return normalize_sql(out + sql.substr(copied));
}

void rename_parts(std::vector<KeyPart>& parts, std::string_view old_name,
                  std::string_view new_name) {
    for (KeyPart& p : parts) {
        if (p.expression.empty() && same_name(p.column, old_name)) {
            p.column = std::string(new_name);
        }
        p.expression = rename_in_sql(p.expression, old_name, new_name);
    }
}

void rename_names(std::vector<std::string>& names, std::string_view old_name,
                  std::string_view new_name) {
    for (std::string& n : names) {
        if (same_name(n, old_name)) {
            n = std::string(new_name);
        }
    }
}

TableDef* find_mutable(Schema& schema, std::string_view name) {
    for (TableDef& t : schema.tables) {
        if (same_name(t.name, name)) {
            return &t;
        }
    }
    return nullptr;
}

std::string new_table_name(const std::vector<RenameHint>& hints, const std::string& table) {
    for (const RenameHint& h : hints) {
        if (h.column.empty() && same_name(h.table, table)) {
            return h.new_name;
        }
    }
    return table;
}

void rename_column(Schema& s, TableDef& t, const std::string& old_name,
                   const std::string& new_name) {
    for (ColumnDef& c : t.columns) {
        if (same_name(c.name, old_name)) {
            c.name = new_name;
        }
        c.generated_sql = rename_in_sql(c.generated_sql, old_name, new_name);
    }
    rename_parts(t.primary_key, old_name, new_name);
    for (UniqueConstraint& u : t.uniques) {
        rename_parts(u.parts, old_name, new_name);
    }
    for (CheckConstraint& c : t.checks) {
        c.expression = rename_in_sql(c.expression, old_name, new_name);
    }
    for (ForeignKey& f : t.foreign_keys) {
        rename_names(f.columns, old_name, new_name);
    }
    for (TableDef& other : s.tables) {
        for (ForeignKey& f : other.foreign_keys) {
            if (same_name(f.parent_table, t.name)) {
                rename_names(f.parent_columns, old_name, new_name);
            }
        }
    }
    for (IndexDef& i : s.indexes) {
        if (same_name(i.table, t.name)) {
            rename_parts(i.parts, old_name, new_name);
            i.where = rename_in_sql(i.where, old_name, new_name);
        }
    }
}

// SQLite's column affinity of a declared type (datatype3.html §3.1).
std::string affinity(const std::string& type) {
    std::string t;
    for (char c : type) {
        t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
    if (has("INT")) {
        return "INTEGER";
    }
    if (has("CHAR") || has("CLOB") || has("TEXT")) {
        return "TEXT";
    }
    if (t.empty() || has("BLOB") || t == "ANY") {
        return "BLOB";
    }
    if (has("REAL") || has("FLOA") || has("DOUB")) {
        return "REAL";
    }
    return "NUMERIC";
}

// The first number in a type's parentheses: VARCHAR(20) -> 20; -1 when there is none.
long type_size(const std::string& type) {
    const auto open = type.find('(');
    if (open == std::string::npos) {
        return -1;
    }
    long n = 0;
    bool any = false;
    for (std::size_t k = open + 1;
         k < type.size() && std::isdigit(static_cast<unsigned char>(type[k])); ++k) {
        n = n * 10 + (type[k] - '0');
        any = true;
    }
    return any ? n : -1;
}

bool narrowed(const std::string& from, const std::string& to) {
    const std::string a = affinity(from);
    const std::string b = affinity(to);
    if (a != b) {
        return b != "TEXT" && b != "BLOB";
    }
    const long sa = type_size(from);
    const long sb = type_size(to);
    return sb >= 0 && (sa < 0 || sb < sa);
}

bool in_parts(const std::vector<KeyPart>& parts, std::string_view column) {
    return std::any_of(parts.begin(), parts.end(), [&](const KeyPart& p) {
        return same_name(p.column, column) || sql_mentions(p.expression, column);
    });
}

const ForeignKey* column_foreign_key(const TableDef& t, std::string_view column) {
    for (const ForeignKey& f : t.foreign_keys) {
        if (f.columns.size() == 1 && same_name(f.columns[0], column)) {
            return &f;
        }
    }
    return nullptr;
}

bool addable(const ColumnDef& c, const TableDef& to) {
    if (primary_key_position(to, c.name) != 0 || c.generated == Generated::kStored) {
        return false;
    }
    for (const UniqueConstraint& u : to.uniques) {
        if (in_parts(u.parts, c.name)) {
            return false;
        }
    }
    const std::string& d = c.default_sql;
    const bool null_default = d.empty() || same_name(d, "NULL");
    if (!d.empty() && (!is_bare_default(d) || d.rfind("CURRENT_", 0) == 0)) {
        return false;  // SQLite refuses a non-constant default in ADD COLUMN
    }
    if (c.not_null && null_default && c.generated == Generated::kNone) {
        return false;  // SQLite refuses it: the rows there have no value
    }
    return !column_foreign_key(to, c.name) || null_default;
}

bool droppable(const std::string& column, const TableDef& from, const Schema& schema) {
    if (primary_key_position(from, column) != 0 || in_parts(from.primary_key, column)) {
        return false;
    }
    for (const UniqueConstraint& u : from.uniques) {
        if (in_parts(u.parts, column)) {
            return false;
        }
    }
    for (const CheckConstraint& c : from.checks) {
        if (sql_mentions(c.expression, column)) {
            return false;
        }
    }
    for (const ForeignKey& f : from.foreign_keys) {
        for (const std::string& c : f.columns) {
            if (same_name(c, column)) {
                return false;
            }
        }
    }
    for (const ColumnDef& c : from.columns) {
        if (sql_mentions(c.generated_sql, column)) {
            return false;
        }
    }
    for (const IndexDef& i : schema.indexes) {
        if (same_name(i.table, from.name) &&
            (in_parts(i.parts, column) || sql_mentions(i.where, column))) {
            return false;
        }
    }
    return true;
}

std::string sql_string(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c == '\'' ? std::string("''") : std::string(1, c);
    }
    return out + "'";
}

bool has_column_named(const TableDef& t, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        if (find_column(t, n)) {
            return true;
        }
    }
    return false;
}

std::string qualified(const TableDef& t, const std::string& column) {
    return quote_name(t.name) + "." + quote_name(column);
}

}  // namespace

bool sql_mentions(std::string_view sql, std::string_view name) {
    if (sql.empty()) {
        return false;
    }
    for (const SqlToken& t : lex_sql(sql)) {
        if (is_name_token(t) && same_name(token_name(t), name)) {
            return true;
        }
    }
    return false;
}

namespace {

// Refuses hints that contradict each other or the desired schema `to`: a name renamed twice,
// two names renamed to one, or an old name `to` still has (then it was not renamed).
void check_hints_against(const Schema& to, const std::vector<RenameHint>& hints) {
    const auto text = [](const RenameHint& h) {
        return "--rename " + (h.column.empty() ? h.table : h.table + "." + h.column) + "=" +
               h.new_name;
    };
    for (std::size_t k = 0; k < hints.size(); ++k) {
        const RenameHint& h = hints[k];
        for (std::size_t j = 0; j < k; ++j) {
            const RenameHint& e = hints[j];
            const bool same_kind = e.column.empty() == h.column.empty();
            if (same_kind && same_name(e.table, h.table) && same_name(e.column, h.column)) {
                throw Error(text(h) + ": " +
                            (h.column.empty() ? h.table : h.table + "." + h.column) +
                            " is already renamed (" + text(e) + ")");
            }
            if (same_kind && same_name(e.new_name, h.new_name) &&
                (h.column.empty() || same_name(e.table, h.table))) {
                throw Error(text(h) + ": " + h.new_name + " is already the new name of " +
                            (e.column.empty() ? e.table : e.table + "." + e.column) + " (" +
                            text(e) + ")");
            }
        }
        if (h.column.empty()) {
            if (find_table(to, h.table)) {
                throw Error(text(h) + ": the desired schema still has table " +
                            quote_name(h.table) + ", so it was not renamed (leave out --rename " +
                            "to add " + quote_name(h.new_name) + " as a new table)");
            }
            continue;
        }
        const std::string target = new_table_name(hints, h.table);
        const TableDef* in_to = find_table(to, target);
        if (in_to && find_column(*in_to, h.column)) {
            throw Error(text(h) + ": the desired table " + quote_name(target) +
                        " still has column " + quote_name(h.column) +
                        ", so it was not renamed (leave out --rename to add " +
                        quote_name(h.new_name) + " as a new column)");
        }
    }
}

}  // namespace

Schema apply_renames(const Schema& from, const Schema& to, const std::vector<RenameHint>& hints) {
    check_hints_against(to, hints);
    Schema s = from;
    for (const RenameHint& h : hints) {
        TableDef* t = find_mutable(s, h.table);
        const std::string target = new_table_name(hints, h.table);
        const TableDef* in_to = find_table(to, h.column.empty() ? h.new_name : target);
        const std::string shown = h.column.empty() ? h.table : h.table + "." + h.column;
        if (!t) {
            throw Error("--rename " + shown + "=" + h.new_name + ": there is no table " +
                        quote_name(h.table) + " in the current schema");
        }
        if (!in_to) {
            throw Error("--rename " + shown + "=" + h.new_name + ": there is no table " +
                        quote_name(h.column.empty() ? h.new_name : target) +
                        " in the desired schema");
        }
        if (h.column.empty()) {
            if (find_table(from, h.new_name)) {
                throw Error("--rename " + shown + "=" + h.new_name + ": table " +
                            quote_name(h.new_name) + " already exists in the current schema");
            }
            continue;
        }
        if (!find_column(*t, h.column)) {
            throw Error("--rename " + shown + "=" + h.new_name + ": table " + quote_name(h.table) +
                        " has no column " + quote_name(h.column));
        }
        if (!find_column(*in_to, h.new_name) || find_column(*t, h.new_name)) {
            throw Error("--rename " + shown + "=" + h.new_name + ": column " +
                        quote_name(h.new_name) + " must be new in table " + quote_name(target) +
                        " of the desired schema");
        }
        rename_column(s, *t, h.column, h.new_name);
    }
    for (const RenameHint& h : hints) {
        if (!h.column.empty()) {
            continue;
        }
        for (TableDef& t : s.tables) {
            for (ForeignKey& f : t.foreign_keys) {
                if (same_name(f.parent_table, h.table)) {
                    f.parent_table = h.new_name;
                }
            }
        }
        for (IndexDef& i : s.indexes) {
            if (same_name(i.table, h.table)) {
                i.table = h.new_name;
            }
        }
        for (TriggerDef& t : s.triggers) {
            if (same_name(t.table, h.table)) {
                t.table = h.new_name;
            }
        }
        find_mutable(s, h.table)->name = h.new_name;
    }
    canonicalize(s);
    return s;
}

bool same_table(const TableDef& a, const TableDef& b) {
    Schema sa;
    Schema sb;
    sa.tables.push_back(a);
    sb.tables.push_back(b);
    sb.tables.back().name = a.name;
    canonicalize(sa);
    canonicalize(sb);
    return diff_schemas(sa, sb).empty();
}

bool has_rowid_alias(const TableDef& t) {
    if (t.without_rowid || t.primary_key.size() != 1 || !t.primary_key[0].expression.empty() ||
        t.primary_key[0].descending) {
        return false;
    }
    const ColumnDef* c = find_column(t, t.primary_key[0].column);
    return c && same_name(c->type, "INTEGER");
}

TableChange classify_table(const TableDef& from, const TableDef& to, const Schema& from_schema,
                           TableAlter& alter) {
    alter = {};
    if (same_table(from, to)) {
        return TableChange::kSame;
    }
    if (!from.virtual_using.empty() || !to.virtual_using.empty()) {
        return TableChange::kRebuild;
    }
    TableDef candidate = from;
    candidate.columns.clear();
    for (const ColumnDef& c : from.columns) {
        if (find_column(to, c.name)) {
            candidate.columns.push_back(c);
        } else if (droppable(c.name, from, from_schema)) {
            alter.drop_columns.push_back(c.name);
        } else {
            return TableChange::kRebuild;
        }
    }
    for (const ColumnDef& c : to.columns) {
        if (find_column(from, c.name)) {
            continue;
        }
        if (!addable(c, to)) {
            return TableChange::kRebuild;
        }
        candidate.columns.push_back(c);
        alter.add_columns.push_back(c);
        if (const ForeignKey* f = column_foreign_key(to, c.name)) {
            candidate.foreign_keys.push_back(*f);
        }
    }
    // Same columns in the same order, same keys and constraints: only then is ALTER enough.
    return same_table(candidate, to) ? TableChange::kAlter : TableChange::kRebuild;
}

std::string add_column_sql(const ColumnDef& column, const TableDef& to) {
    std::string out =
        "ALTER TABLE " + quote_name(to.name) + " ADD COLUMN " + column_sql(column, to);
    if (const ForeignKey* f = column_foreign_key(to, column.name)) {
        const std::string fk = foreign_key_sql(*f);
        out += fk.substr(fk.find(" REFERENCES "));
    }
    return out;
}

std::vector<std::string> rebuild_statements(const TableDef& from, const TableDef& to,
                                            const std::string& temp_name) {
    TableDef temp = to;
    temp.name = temp_name;
    std::vector<std::string> out = {table_sql(temp)};
    std::string targets;
    std::string values;
    const bool keep_rowid = !from.without_rowid && !to.without_rowid && !has_rowid_alias(to) &&
                            !has_column_named(from, {"rowid", "_rowid_", "oid"}) &&
                            !has_column_named(to, {"rowid", "_rowid_", "oid"});
    if (keep_rowid) {
        targets = values = "rowid";
    }
    for (const ColumnDef& c : to.columns) {
        const ColumnDef* old = find_column(from, c.name);
        if (!old || c.generated != Generated::kNone) {
            continue;  // new columns take their default; generated ones are computed
        }
        std::string value = quote_name(c.name);
        if (c.not_null && !old->not_null && !c.default_sql.empty()) {
            value = "coalesce(" + value + ", " + c.default_sql + ")";
        }
        targets += (targets.empty() ? "" : ", ") + quote_name(c.name);
        values += (values.empty() ? "" : ", ") + value;
    }
    if (!targets.empty()) {
        out.push_back("INSERT INTO " + quote_name(temp_name) + " (" + targets + ")\n    SELECT " +
                      values + " FROM " + quote_name(from.name));
    }
    if (from.autoincrement && to.autoincrement) {
        out.push_back("DELETE FROM sqlite_sequence WHERE name = " + sql_string(temp_name));
        out.push_back(
            "INSERT INTO sqlite_sequence (name, seq)\n    SELECT " + sql_string(temp_name) +
            ", seq FROM sqlite_sequence WHERE name = " + sql_string(from.name) + " COLLATE NOCASE");
    }
    out.push_back("DROP TABLE " + quote_name(from.name));
    out.push_back("ALTER TABLE " + quote_name(temp_name) + " RENAME TO " + quote_name(to.name));
    return out;
}

std::vector<std::string> table_reviews(const TableDef& from, const TableDef& to, bool rebuilt) {
    std::vector<std::string> out;
    std::vector<std::string> added;
    for (const ColumnDef& c : to.columns) {
        if (!find_column(from, c.name)) {
            added.push_back(c.name);
        }
    }
    for (const ColumnDef& c : from.columns) {
        if (find_column(to, c.name)) {
            continue;
        }
        std::string text = "This drops column " + qualified(from, c.name) + " and its values.";
        if (!added.empty()) {
            text += " If it was renamed (to " + quote_name(added.front()) +
                    "?), generate again with --rename " + from.name + "." + c.name +
                    "=NEW to keep them.";
        }
        out.push_back(text);
    }
    for (const ColumnDef& c : to.columns) {
        const ColumnDef* old = find_column(from, c.name);
        const bool no_default = c.default_sql.empty() || same_name(c.default_sql, "NULL");
        if (c.generated != Generated::kNone) {
            continue;
        }
        if (!old && c.not_null && no_default) {
            out.push_back("New column " + qualified(to, c.name) +
                          " is NOT NULL without a DEFAULT: this fails if " + quote_name(to.name) +
                          " has rows. Give it a DEFAULT, or fill it in while copying.");
        } else if (old && c.not_null && !old->not_null) {
            out.push_back(qualified(to, c.name) + " becomes NOT NULL: " +
                          (no_default ? std::string("the copy fails if a row holds NULL there.")
                                      : "NULLs there become its DEFAULT."));
        }
        if (old && !same_name(old->type, c.type) && narrowed(old->type, c.type)) {
            out.push_back(qualified(to, c.name) + " narrows from " +
                          (old->type.empty() ? std::string("no type") : old->type) + " to " +
                          c.type + ": check that every value fits (a STRICT table refuses " +
                          "the copy otherwise).");
        }
    }
    if (rebuilt) {
        for (const CheckConstraint& c : to.checks) {
            const bool known =
                std::any_of(from.checks.begin(), from.checks.end(),
                            [&](const CheckConstraint& o) { return same_check(o, c); });
            if (!known) {
                out.push_back(quote_name(to.name) + " gets " + check_sql(c) +
                              ": the copy fails on rows that break it.");
            }
        }
    }
    return out;
}

}  // namespace runner
