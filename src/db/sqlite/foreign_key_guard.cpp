// SQLite's foreign-key step guard: foreign keys stay off while migrations run (a table rebuild
// must not cascade), and before each commit the executor asks which violations exist. Checking
// every table after each migration would cost a full scan per step, so the guard learns from the
// authorizer and the pre-update hook what each script changed, and looks only where a new
// violation can be: single rows written to referencing tables, and whole tables whose schema
// changed or whose referenced rows went.
#include "db/sqlite/foreign_key_guard.hpp"

#include "db/sqlite/catalog_reads.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "db/sqlite/sqlite_dialect.hpp"
#include "util/error.hpp"

namespace runner {
namespace {

// Beyond this many rows written to one table, checking the whole table is cheaper.
constexpr std::size_t kMaxRowsToProbe = 4096;

// The tables of the main schema that scripts changed, by lower-case name (SQLite compares
// names without regard to ASCII case), as the authorizer reports them.
struct TableWrites {
    std::vector<sqlite3_int64> rows;  // rowids inserted or updated (the new rowid)
    bool many = false;                // more rows than are worth looking at one by one
    bool removed = false;             // rows deleted (REPLACE included) or given a new rowid
    std::set<std::string> columns;    // the columns UPDATE statements set
};

struct ScriptEffects {
    std::set<std::string> ddl;  // created, altered, dropped or (re)indexed
    std::set<std::string> created;
    std::set<std::string> altered;
    std::set<std::string> dropped;
    std::map<std::string, TableWrites> writes;  // rows written, by table
    bool elsewhere = false;                     // an attached database was changed too
};

std::string ascii_lower(const char* s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

}  // namespace

class SqliteForeignKeyGuard::Engine {
  public:
    explicit Engine(SqliteDb& db) : db_(db) {}

    void start_script() { last_written_ = nullptr; }

    std::vector<ForeignKeyViolation> violations(int limit, ForeignKeyGuard::Scope scope) {
        const ScriptEffects effects = std::exchange(effects_, ScriptEffects{});
        last_written_ = nullptr;
        std::vector<ForeignKeyViolation> out;
        if (!has_foreign_keys(effects)) {
            return out;
        }
        if (scope == ForeignKeyGuard::Scope::kAll || effects.elsewhere) {
            children_.reset();  // rebuilt from the schema when next needed
            forget_row_lookups();
            auto stmt = db_.prepare("PRAGMA foreign_key_check");
            collect_violations(stmt.get(), limit, out);
            return out;
        }
        // A new violation needs a changed row in the referencing table or in the table it
        // references. A table whose schema changed is checked whole, with the tables that
        // reference it. Otherwise only rows written to a referencing table are looked up;
        // and a referenced table matters only where rows went or their keys changed.
        update_children(effects);
        if (!effects.ddl.empty()) {
            forget_row_lookups();
        }
        std::set<std::string> suspects;
        const auto add_children = [&](const std::string& name) {
            if (const auto it = children_->find(name); it != children_->end()) {
                suspects.insert(it->second.begin(), it->second.end());
            }
        };
        for (const auto& name : effects.ddl) {
            suspects.insert(name);
            add_children(name);
        }
        for (const auto& [name, w] : effects.writes) {
            if (effects.ddl.count(name) > 0) {
                continue;
            }
            if (w.removed || updates_referenced_columns(name, w.columns)) {
                add_children(name);
            }
            if (parents_.count(name) > 0 &&
                (w.many || (!w.rows.empty() && !rows_reference_existing_rows(name, w.rows)))) {
                suspects.insert(name);
            }
        }
        sqlite3_stmt* stmt = db_.cached("SELECT * FROM pragma_foreign_key_check(?)");
        for (const auto& name : suspects) {
            if (static_cast<int>(out.size()) >= limit) {
                break;
            }
            if (!is_table(name)) {
                continue;  // dropped or renamed: its children were looked at
            }
            ResetGuard reset{stmt};
            db_.bind(stmt, 1, name);
            collect_violations(stmt, limit, out);
        }
        return out;
    }

    void collect_violations(sqlite3_stmt* stmt, int limit, std::vector<ForeignKeyViolation>& out) {
        std::set<std::pair<std::string, int>> keyed;  // (table, fk id) already listed by key
        while (static_cast<int>(out.size()) < limit && db_.step(stmt, "checking foreign keys")) {
            ForeignKeyViolation v;
            v.table = column_text(stmt, 0);
            v.parent = column_text(stmt, 2);
            v.fk_id = sqlite3_column_int(stmt, 3);
            if (sqlite3_column_type(stmt, 1) != SQLITE_NULL) {
                v.rowid = sqlite3_column_int64(stmt, 1);
                out.push_back(std::move(v));
                continue;
            }
            if (!keyed.emplace(v.table, v.fk_id).second) {
                continue;
            }
            auto rows = sqlite_violating_rows(db_, v);
            if (rows.empty()) {
                rows.push_back(v);  // cannot say which: the old, coarser answer
            }
            for (auto& row : rows) {
                if (static_cast<int>(out.size()) >= limit) {
                    break;
                }
                out.push_back(std::move(row));
            }
        }
    }

    // Whether any table declares a foreign key. Known once per connection, then kept current
    // from the tables each script created or altered, so the check costs nothing per
    // migration in databases without foreign keys.
    bool has_foreign_keys(const ScriptEffects& effects) {
        if (!has_foreign_keys_) {
            auto stmt = db_.prepare(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%' "
                "LIMIT 1");
            has_foreign_keys_ = db_.step(stmt.get(), "looking for foreign keys");
            return *has_foreign_keys_;
        }
        if (*has_foreign_keys_) {
            return true;
        }
        // Per table through the schema hash (pragma functions), not a scan of sqlite_master.
        for (const auto* names : {&effects.created, &effects.altered}) {
            for (const auto& name : *names) {
                if (!is_table(name)) {
                    if (names == &effects.altered) {
                        has_foreign_keys_.reset();  // renamed since: look everywhere
                        return has_foreign_keys(effects);
                    }
                    continue;  // created and dropped again
                }
                if (!sqlite_foreign_key_parents(db_, name).empty()) {
                    has_foreign_keys_ = true;
                    return true;
                }
            }
        }
        return false;
    }

    // Whether `name` is a table of the main schema (by the schema hash, not a scan).
    bool is_table(const std::string& name) {
        return sqlite_table_without_rowid(db_, name).has_value();
    }

    // The row lookups and referenced columns are built from the schema: after it changes they
    // are built again when needed.
    void forget_row_lookups() {
        probe_sql_.clear();
        key_columns_.clear();
    }

    // Keeps the map from each table to the tables that reference it current: built from the
    // schema once per connection, then updated from what each script created, altered and
    // dropped. A rename rewrites other tables' references, so it starts the map afresh.
    void update_children(const ScriptEffects& effects) {
        if (children_) {
            for (const auto& name : effects.altered) {
                if (effects.created.count(name) > 0 || effects.dropped.count(name) > 0 ||
                    !is_table(name)) {
                    children_.reset();
                    break;
                }
            }
        }
        if (!children_) {
            children_.emplace();
            parents_.clear();
            auto stmt = db_.prepare(
                "SELECT lower(m.name), lower(f.\"table\") FROM sqlite_master AS m, "
                "pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table'");
            while (db_.step(stmt.get(), "reading the foreign keys of every table")) {
                link(column_text(stmt.get(), 0), column_text(stmt.get(), 1));
            }
            return;
        }
        for (const auto* names : {&effects.dropped, &effects.created, &effects.altered}) {
            for (const auto& name : *names) {
                unlink(name);
                if (names != &effects.dropped && is_table(name)) {
                    for (const auto& parent : sqlite_foreign_key_parents(db_, name)) {
                        link(name, parent);
                    }
                }
            }
        }
    }

    void link(const std::string& child, const std::string& parent) {
        auto& children = (*children_)[parent];
        if (std::find(children.begin(), children.end(), child) == children.end()) {
            children.push_back(child);
            parents_[child].push_back(parent);
        }
    }

    void unlink(const std::string& child) {
        const auto it = parents_.find(child);
        if (it == parents_.end()) {
            return;
        }
        for (const auto& parent : it->second) {
            auto& children = (*children_)[parent];
            children.erase(std::remove(children.begin(), children.end(), child), children.end());
        }
        parents_.erase(it);
    }

    // The authorizer, while a script runs: notes each table a statement writes or changes
    // (the statements a trigger runs included, as they are compiled in).
    void note_change(int action, const char* a1, const char* a2, const char* schema) {
        const char* table = a1;
        switch (action) {
            case SQLITE_INSERT:
            case SQLITE_UPDATE:
            case SQLITE_DELETE:
            case SQLITE_CREATE_TABLE:
            case SQLITE_DROP_TABLE:
                break;
            case SQLITE_CREATE_INDEX:  // a unique index can be what a foreign key refers to
            case SQLITE_DROP_INDEX:
                table = a2;
                break;
            case SQLITE_ALTER_TABLE:
                schema = a1;
                table = a2;
                break;
            default:
                return;
        }
        if (table == nullptr || sqlite3_strnicmp(table, "sqlite_", 7) == 0) {
            return;  // SQLite's own tables
        }
        ScriptEffects& e = effects_;
        if (schema != nullptr && std::strcmp(schema, "main") != 0) {
            // TEMP tables cannot take part in the main schema's foreign keys; an attached
            // database's can, so those make the next check look everywhere.
            e.elsewhere = e.elsewhere || std::strcmp(schema, "temp") != 0;
            return;
        }
        std::string name = ascii_lower(table);
        switch (action) {
            case SQLITE_UPDATE:
                if (a2 != nullptr) {
                    e.writes[name].columns.insert(ascii_lower(a2));
                }
                return;
            case SQLITE_DELETE:  // also covers a DELETE that skips the row hook (truncation)
                e.writes[name].removed = true;
                return;
            case SQLITE_INSERT:
                return;  // the rows come to note_row
            case SQLITE_CREATE_TABLE:
                e.created.insert(name);
                break;
            case SQLITE_DROP_TABLE:
                e.dropped.insert(name);
                break;
            case SQLITE_ALTER_TABLE:
                e.altered.insert(name);
                break;
            default:
                break;
        }
        e.ddl.insert(std::move(name));
        return;
    }

    // The pre-update hook, while a script runs: notes each row written (triggers' included).
    void note_row(int op, const char* schema, const char* table, sqlite3_int64 old_rowid,
                  sqlite3_int64 new_rowid) {
        ScriptEffects& e = effects_;
        if (std::strcmp(schema, "main") != 0) {
            e.elsewhere = e.elsewhere || std::strcmp(schema, "temp") != 0;
            return;
        }
        // Statements write row after row to one table: look its entry up once. (By name: a
        // schema reload may give another table the same address.)
        if (last_written_ == nullptr || last_table_ != table) {
            last_table_ = table;
            last_written_ = &e.writes[ascii_lower(table)];
        }
        TableWrites& w = *last_written_;
        if (op == SQLITE_DELETE || (op == SQLITE_UPDATE && old_rowid != new_rowid)) {
            w.removed = true;
        }
        if (op != SQLITE_DELETE && !w.many) {
            if (w.rows.size() < kMaxRowsToProbe) {
                w.rows.push_back(new_rowid);
            } else {
                w.many = true;
                w.rows.clear();
            }
        }
    }

    // Whether an UPDATE of `columns` of `parent` may change a key other tables reference.
    bool updates_referenced_columns(const std::string& parent,
                                    const std::set<std::string>& columns) {
        if (columns.empty()) {
            return false;
        }
        const auto it = children_->find(parent);
        if (it == children_->end()) {
            return false;
        }
        for (const char* rowid : {"rowid", "oid", "_rowid_"}) {
            if (columns.count(rowid) > 0) {
                return true;
            }
        }
        auto [known, added] = key_columns_.try_emplace(parent);
        std::set<std::string>& keys = known->second;  // "*": the primary key, not named
        if (added) {
            sqlite3_stmt* stmt = db_.cached(
                "SELECT lower(\"to\") FROM pragma_foreign_key_list(?1) "
                "WHERE lower(\"table\") = ?2");
            for (const auto& child : it->second) {
                ResetGuard reset{stmt};
                db_.bind(stmt, 1, child);
                db_.bind(stmt, 2, parent);
                while (db_.step(stmt, "reading the foreign keys of " + child)) {
                    keys.insert(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? std::string("*")
                                                                            : column_text(stmt, 0));
                }
            }
        }
        if (keys.count("*") > 0) {
            return true;
        }
        return std::any_of(columns.begin(), columns.end(),
                           [&](const std::string& c) { return keys.count(c) > 0; });
    }

    // Whether every row of `child` with one of `rowids` references rows that exist, by a
    // lookup in the referenced table per foreign key: PRAGMA foreign_key_check's verdict on
    // those rows, without reading the whole table. "p.key = +c.col" compares as the foreign
    // key does: with the parent column's affinity applied to the child's value (the unary +
    // strips the child column's own) and the parent column's collation (SQLite only accepts
    // a parent index with that collation). False when unsure: the caller checks the table.
    bool rows_reference_existing_rows(const std::string& child,
                                      const std::vector<sqlite3_int64>& rowids) {
        auto [known, added] = probe_sql_.try_emplace(child);
        std::string& sql = known->second;  // empty: not row by row
        if (added) {
            try {
                sql = sqlite_row_probe_sql(db_, child);
            } catch (const Error&) {
                sql.clear();
            }
        }
        if (sql.empty()) {
            return false;
        }
        sqlite3_stmt* stmt = nullptr;
        try {
            stmt = db_.cached(sql);
        } catch (const Error&) {
            return false;  // e.g. the referenced table does not exist
        }
        for (const sqlite3_int64 rowid : rowids) {
            ResetGuard reset{stmt};
            db_.bind_int(stmt, 1, rowid);
            if (db_.step(stmt, "checking the foreign keys of " + child)) {
                return false;
            }
        }
        return true;
    }

  private:
    std::string quote_identifier(const std::string& name) const {
        return sqlite_dialect().quote_identifier(name);
    }

    SqliteDb& db_;
    std::optional<bool> has_foreign_keys_;  // whether any table declares REFERENCES
    ScriptEffects effects_;  // what the scripts run since the last foreign key check changed
    // Per table, known until the schema changes: the SQL that checks single rows of it ("":
    // check it whole), and the columns of it that foreign keys reference.
    std::unordered_map<std::string, std::string> probe_sql_;
    std::unordered_map<std::string, std::set<std::string>> key_columns_;
    std::string last_table_;               // note_row's last table, as SQLite spells it
    TableWrites* last_written_ = nullptr;  // and its entry in effects_.writes
    // Lower-case table name -> the tables whose foreign keys reference it, and the reverse.
    std::optional<std::unordered_map<std::string, std::vector<std::string>>> children_;
    std::unordered_map<std::string, std::vector<std::string>> parents_;
};

SqliteForeignKeyGuard::SqliteForeignKeyGuard(SqliteDb& db)
    : engine_(std::make_unique<Engine>(db)) {}
SqliteForeignKeyGuard::~SqliteForeignKeyGuard() = default;

std::vector<ForeignKeyViolation> SqliteForeignKeyGuard::violations(int limit, Scope scope) {
    return engine_->violations(limit, scope);
}

void SqliteForeignKeyGuard::start_script() {
    engine_->start_script();
}

void SqliteForeignKeyGuard::note_change(int action, const char* a1, const char* a2,
                                        const char* schema) {
    engine_->note_change(action, a1, a2, schema);
}

void SqliteForeignKeyGuard::note_row(int op, const char* schema, const char* table,
                                     sqlite3_int64 old_rowid, sqlite3_int64 new_rowid) {
    engine_->note_row(op, schema, table, old_rowid, new_rowid);
}

}  // namespace runner
