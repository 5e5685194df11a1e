// Which tables the statements of a script renamed; see table_renames.hpp.
#include "db/sqlite/table_renames.hpp"

#include <algorithm>

namespace runner {

namespace {

// Whether `sql` holds the word RENAME in any letter case: a statement that renames a table must.
// (ADD COLUMN, which migrations run often, need not look the table up.)
bool may_rename(const char* sql) {
    for (const char* p = sql; p != nullptr && *p != '\0'; ++p) {
        if ((*p == 'r' || *p == 'R') && sqlite3_strnicmp(p, "rename", 6) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

void TableRenames::before_step(sqlite3_stmt* stmt) {
    watched_.clear();
    if (altering_.empty()) {
        return;
    }
    if (!may_rename(sqlite3_sql(stmt))) {
        altering_.clear();
        return;
    }
    sqlite3_stmt* lookup = db_.cached(
        "SELECT rootpage FROM main.sqlite_master WHERE type = 'table' AND name = ?1 "
        "COLLATE NOCASE");
    for (auto& name : altering_) {
        const bool seen = std::any_of(watched_.begin(), watched_.end(), [&](const auto& w) {
            return same_sqlite_name(w.first, name);
        });
        if (seen) {
            continue;  // compiled twice: a statement cut by a chunk boundary is prepared again
        }
        ResetGuard reset{lookup};
        db_.bind(lookup, 1, name);
        const sqlite3_int64 page =
            db_.step(lookup, "looking up the table " + name) ? sqlite3_column_int64(lookup, 0) : 0;
        watched_.emplace_back(std::move(name), page);
    }
    altering_.clear();
}

void TableRenames::after_step() {
    if (watched_.empty()) {
        return;
    }
    sqlite3_stmt* stmt =
        db_.cached("SELECT name FROM main.sqlite_master WHERE type = 'table' AND rootpage = ?1");
    for (const auto& [name, page] : watched_) {
        std::string now;
        if (page != 0) {  // a virtual table has none
            ResetGuard reset{stmt};
            db_.bind_int(stmt, 1, page);
            if (db_.step(stmt, "looking up the table " + name)) {
                now = column_text(stmt, 0);
            }
        }
        if (now.empty()) {
            lost_ = lost_ || !sqlite_table_exists(name);
        } else if (now != name) {
            renames_.emplace_back(name, now);  // a new name, or the same in other letter cases
        }
    }
    watched_.clear();
}

bool TableRenames::sqlite_table_exists(const std::string& name) {
    sqlite3_stmt* stmt =
        db_.cached("SELECT 1 FROM pragma_table_list(?) WHERE schema = 'main' AND type = 'table'");
    ResetGuard reset{stmt};
    db_.bind(stmt, 1, name);
    return db_.step(stmt, "looking for the table " + name);
}

std::vector<TableRename> TableRenames::take(bool& lost) {
    lost = std::exchange(lost_, false);
    return std::exchange(renames_, {});
}

bool same_sqlite_name(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           sqlite3_strnicmp(a.c_str(), b.c_str(), static_cast<int>(a.size())) == 0;
}

void follow_table_renames(std::vector<ForeignKeyViolation>& violations,
                          const std::vector<TableRename>& renames) {
    for (const auto& [from, to] : renames) {
        for (auto& v : violations) {
            if (same_sqlite_name(v.table, from)) {
                v.table = to;
            }
            if (same_sqlite_name(v.parent, from)) {
                v.parent = to;
            }
        }
    }
    std::sort(violations.begin(), violations.end());
}

}  // namespace runner
