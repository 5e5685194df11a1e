// SQLite's foreign-key step guard: foreign keys stay off while migrations run (a table rebuild
// must not cascade), and before each commit the executor asks which violations exist. Checking
// every table after each migration would cost a full scan per step, so the guard learns from the
// authorizer and the pre-update hook what each script changed, and looks only where a new
// violation can be: single rows written to referencing tables, and whole tables whose schema
// changed or whose referenced rows went. A table a script renamed is checked whole under its
// new name, and violations found before keep their identity across the rename.
#include "db/sqlite/foreign_key_guard.hpp"

#include "db/sqlite/catalog_reads.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "db/sqlite/script_effects.hpp"
#include "db/sqlite/sqlite_dialect.hpp"
#include "db/sqlite/table_renames.hpp"
#include "util/error.hpp"

namespace runner {

class SqliteForeignKeyGuard::Engine {
  public:
    explicit Engine(SqliteDb& db) : db_(db), renames_(db) {}

    void start_script() {
        recorder_.start_script();
        renames_.start_script();
    }
    void before_step(sqlite3_stmt* stmt) { renames_.before_step(stmt); }
    void after_step() { renames_.after_step(); }

    void follow_renames(std::vector<ForeignKeyViolation>& earlier) const {
        follow_table_renames(earlier, last_renames_);
    }

    std::vector<ForeignKeyViolation> violations(int limit, ForeignKeyGuard::Scope scope) {
        const ScriptEffects effects = recorder_.take();
        bool lost = false;  // a table was renamed to a name not known: look everywhere
        last_renames_ = renames_.take(lost);
        std::vector<ForeignKeyViolation> out;
        if (!has_foreign_keys(effects)) {
            return out;
        }
        if (scope == ForeignKeyGuard::Scope::kAll || effects.elsewhere || lost) {
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
        // Rows written to a table before it was renamed were noted under its old name.
        for (const auto& name : renamed_tables()) {
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
            if (parents_.count(name) > 0 && suspects.count(name) == 0 &&
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

    // The names (lower case) the tables the scripts renamed have now.
    std::set<std::string> renamed_tables() const {
        std::set<std::string> out;
        for (std::size_t i = 0; i < last_renames_.size(); ++i) {
            std::string name = last_renames_[i].second;
            for (std::size_t j = i + 1; j < last_renames_.size(); ++j) {
                if (same_sqlite_name(name, last_renames_[j].first)) {
                    name = last_renames_[j].second;
                }
            }
            out.insert(ascii_lower(name.c_str()));
        }
        return out;
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

    void note_change(int action, const char* a1, const char* a2, const char* schema) {
        if (const char* altered = recorder_.note_change(action, a1, a2, schema)) {
            renames_.note_alter(altered);
        }
    }
    void note_row(int op, const char* schema, const char* table, sqlite3_int64 old_rowid,
                  sqlite3_int64 new_rowid) {
        recorder_.note_row(op, schema, table, old_rowid, new_rowid);
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
            try {
                if (db_.step(stmt, "checking the foreign keys of " + child)) {
                    return false;
                }
            } catch (const Error&) {
                // Prepared while the referenced table existed: SQLite prepares it again when
                // the schema changed, and that fails once the table is gone.
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
    TableRenames renames_;                   // while scripts run
    std::vector<TableRename> last_renames_;  // those of the scripts the last check looked at
    std::optional<bool> has_foreign_keys_;   // whether any table declares REFERENCES
    ScriptEffectsRecorder recorder_;         // what the scripts run since the last check changed
    // Per table, known until the schema changes: the SQL that checks single rows of it ("":
    // check it whole), and the columns of it that foreign keys reference.
    std::unordered_map<std::string, std::string> probe_sql_;
    std::unordered_map<std::string, std::set<std::string>> key_columns_;
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

void SqliteForeignKeyGuard::follow_renames(std::vector<ForeignKeyViolation>& earlier) const {
    engine_->follow_renames(earlier);
}

void SqliteForeignKeyGuard::before_step(sqlite3_stmt* stmt) {
    engine_->before_step(stmt);
}

void SqliteForeignKeyGuard::after_step() {
    engine_->after_step();
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
