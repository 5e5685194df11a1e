// Reads of SQLite's catalog (the pragma table functions) that the foreign-key guard needs, one
// table at a time through the schema hash; see catalog_reads.hpp.
#include "db/sqlite/catalog_reads.hpp"

#include <map>

#include "db/sqlite/sqlite_dialect.hpp"

namespace runner {
namespace {

std::string quote_identifier(const std::string& name) {
    return sqlite_dialect().quote_identifier(name);
}

}  // namespace

// The rows of WITHOUT ROWID table `v.table` that break its foreign key `v.fk_id`, named by
// their primary keys; empty when that cannot be said.
std::vector<ForeignKeyViolation> sqlite_violating_rows(SqliteDb& db, const ForeignKeyViolation& v) {
    const std::string& child = v.table;
    std::vector<ForeignKeyViolation> out;
    std::string parent;
    std::vector<std::string> from;
    std::vector<std::string> to;
    {
        auto stmt = db.prepare(
            "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
            "WHERE id = ?2 ORDER BY seq");
        db.bind(stmt.get(), 1, child);
        db.bind_int(stmt.get(), 2, v.fk_id);
        while (db.step(stmt.get(), "reading the foreign keys of " + child)) {
            parent = column_text(stmt.get(), 0);
            from.push_back(column_text(stmt.get(), 1));
            if (sqlite3_column_type(stmt.get(), 2) != SQLITE_NULL) {
                to.push_back(column_text(stmt.get(), 2));
            }
        }
    }
    const auto primary_key = [&](const std::string& table) {
        std::vector<std::string> columns;
        auto stmt = db.prepare("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk");
        db.bind(stmt.get(), 1, table);
        while (db.step(stmt.get(), "reading the primary key of " + table)) {
            columns.push_back(column_text(stmt.get(), 0));
        }
        return columns;
    };
    if (to.empty()) {
        to = primary_key(parent);
    }
    const auto key = primary_key(child);
    if (from.empty() || to.size() != from.size() || key.empty()) {
        return out;
    }
    std::string values;
    std::string present;
    std::string match;
    for (std::size_t i = 0; i < key.size(); ++i) {
        values += std::string(i > 0 ? ", " : "") + "quote(c." + quote_identifier(key[i]) + ")";
    }
    for (std::size_t i = 0; i < from.size(); ++i) {
        const std::string c = "c." + quote_identifier(from[i]);
        present += (i > 0 ? " AND " : "") + c + " IS NOT NULL";
        match += (i > 0 ? " AND " : "") + std::string("p.") + quote_identifier(to[i]) + " = +" + c;
    }
    const std::string sql = "SELECT " + values + " FROM main." + quote_identifier(child) +
                            " AS c WHERE " + present + " AND NOT EXISTS (SELECT 1 FROM main." +
                            quote_identifier(parent) + " AS p WHERE " + match + ")";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
        StatementHandle failed(raw);
        return out;  // e.g. the parent table is gone
    }
    StatementHandle stmt(raw);
    while (db.step(stmt.get(), "checking the foreign keys of " + child)) {
        ForeignKeyViolation row = v;
        row.key_columns = key;
        for (int i = 0; i < static_cast<int>(key.size()); ++i) {
            row.key_values.push_back(column_text(stmt.get(), i));
        }
        out.push_back(std::move(row));
    }
    return out;
}

// Whether table `name` is WITHOUT ROWID; nullopt when it is no table of the main schema.
std::optional<bool> sqlite_table_without_rowid(SqliteDb& db, const std::string& name) {
    sqlite3_stmt* stmt =
        db.cached("SELECT wr FROM pragma_table_list(?) WHERE schema = 'main' AND type = 'table'");
    ResetGuard reset{stmt};
    db.bind(stmt, 1, name);
    if (!db.step(stmt, "looking for the table " + name)) {
        return std::nullopt;
    }
    return sqlite3_column_int(stmt, 0) != 0;
}

// The tables that the foreign keys of table `name` reference, lower case.
std::vector<std::string> sqlite_foreign_key_parents(SqliteDb& db, const std::string& name) {
    sqlite3_stmt* stmt =
        db.cached("SELECT DISTINCT lower(\"table\") FROM pragma_foreign_key_list(?)");
    ResetGuard reset{stmt};
    db.bind(stmt, 1, name);
    std::vector<std::string> parents;
    while (db.step(stmt, "reading the foreign keys of " + name)) {
        parents.push_back(column_text(stmt, 0));
    }
    return parents;
}

// SELECT that yields a row when the row of `child` with rowid ?1 references a missing
// row; empty when that cannot be said row by row (WITHOUT ROWID, an unnamed key of a
// table without a primary key).
std::string sqlite_row_probe_sql(SqliteDb& db, const std::string& child) {
    if (sqlite_table_without_rowid(db, child).value_or(true)) {
        return {};
    }
    struct Key {
        std::string parent;
        std::vector<std::string> from;
        std::vector<std::string> to;  // empty: the parent's primary key
    };
    std::map<int, Key> keys;
    {
        sqlite3_stmt* stmt = db.cached(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) "
            "ORDER BY id, seq");
        ResetGuard reset{stmt};
        db.bind(stmt, 1, child);
        while (db.step(stmt, "reading the foreign keys of " + child)) {
            Key& k = keys[sqlite3_column_int(stmt, 0)];
            k.parent = column_text(stmt, 1);
            k.from.push_back(column_text(stmt, 2));
            if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
                k.to.push_back(column_text(stmt, 3));
            }
        }
    }
    std::string any;
    for (auto& [id, k] : keys) {
        if (k.to.empty()) {
            sqlite3_stmt* stmt =
                db.cached("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk");
            ResetGuard reset{stmt};
            db.bind(stmt, 1, k.parent);
            while (db.step(stmt, "reading the primary key of " + k.parent)) {
                k.to.push_back(column_text(stmt, 0));
            }
        }
        if (k.to.size() != k.from.size()) {
            return {};
        }
        std::string present;
        std::string match;
        for (std::size_t i = 0; i < k.from.size(); ++i) {
            const std::string c = "c." + quote_identifier(k.from[i]);
            present += (i > 0 ? " AND " : "") + c + " IS NOT NULL";
            match +=
                (i > 0 ? " AND " : "") + std::string("p.") + quote_identifier(k.to[i]) + " = +" + c;
        }
        any += (any.empty() ? "" : " OR ") + std::string("(") + present +
               " AND NOT EXISTS (SELECT 1 FROM main." + quote_identifier(k.parent) +
               " AS p WHERE " + match + "))";
    }
    if (any.empty()) {
        return {};
    }
    return "SELECT 1 FROM main." + quote_identifier(child) + " AS c WHERE c.rowid = ?1 AND (" +
           any + ")";
}

}  // namespace runner
