// Which tables the statements of a script renamed, for the foreign-key guard: the violations of
// a renamed table are still the same violations, and its rows still need checking.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "db/capabilities.hpp"
#include "db/sqlite/handles.hpp"

namespace runner {

// (old name, new name), as SQLite spells them.
using TableRename = std::pair<std::string, std::string>;

// The authorizer says which table an ALTER TABLE statement changes, but not what it renames it
// to. A rename keeps the table's root page: the name that page has after the statement ran is
// the new one.
class TableRenames {
  public:
    explicit TableRenames(SqliteDb& db) : db_(db) {}

    // A script starts: a statement compiled but never run is forgotten.
    void start_script() {
        altering_.clear();
        watched_.clear();
    }
    // The authorizer, compiling a statement: it alters `table` of the main schema.
    void note_alter(const char* table) { altering_.emplace_back(table); }
    // Around each statement the script runs (the caller keeps the authorizer out of the way).
    void before_step(sqlite3_stmt* stmt);
    void after_step();

    // The renames since the last call, in the order they ran; `lost` when a table altered was
    // gone afterwards and its new name could not be found.
    std::vector<TableRename> take(bool& lost);

  private:
    bool sqlite_table_exists(const std::string& name);

    SqliteDb& db_;
    std::vector<std::string> altering_;                           // noted while compiling
    std::vector<std::pair<std::string, sqlite3_int64>> watched_;  // and their root pages
    std::vector<TableRename> renames_;
    bool lost_ = false;
};

// Whether SQLite takes `a` and `b` for the same name (ASCII letters in any case).
bool same_sqlite_name(const std::string& a, const std::string& b);

// `violations` with the names `renames` gave their tables and parents, sorted.
void follow_table_renames(std::vector<ForeignKeyViolation>& violations,
                          const std::vector<TableRename>& renames);

}  // namespace runner
