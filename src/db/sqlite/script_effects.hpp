// What the scripts run since the foreign-key guard last looked changed, as the authorizer and the
// pre-update hook report it: the tables whose schema changed, and the rows written to each.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "db/sqlite/handles.hpp"

namespace runner {

// Rows written to one table of the main schema.
struct TableWrites {
    std::vector<sqlite3_int64> rows;  // rowids inserted or updated (the new rowid)
    bool many = false;                // more rows than are worth looking at one by one
    bool removed = false;             // rows deleted (REPLACE included) or given a new rowid
    std::set<std::string> columns;    // the columns UPDATE statements set
};

// The tables of the main schema that scripts changed, by lower-case name (SQLite compares
// names without regard to ASCII case), as the authorizer reports them.
struct ScriptEffects {
    std::set<std::string> ddl;  // created, altered, dropped or (re)indexed
    std::set<std::string> created;
    std::set<std::string> altered;
    std::set<std::string> dropped;
    std::map<std::string, TableWrites> writes;  // rows written, by table
    bool elsewhere = false;                     // an attached database was changed too
};

class ScriptEffectsRecorder {
  public:
    void start_script() { last_written_ = nullptr; }
    // What was recorded since the last call.
    ScriptEffects take();

    // The authorizer, while a script runs: notes each table a statement writes or changes (the
    // statements a trigger runs included, as they are compiled in). Returns the table of the
    // main schema an ALTER TABLE changes, as SQLite spells it; else null.
    const char* note_change(int action, const char* a1, const char* a2, const char* schema);
    // The pre-update hook, while a script runs: notes each row written (triggers' included).
    void note_row(int op, const char* schema, const char* table, sqlite3_int64 old_rowid,
                  sqlite3_int64 new_rowid);

  private:
    ScriptEffects effects_;
    std::string last_table_;               // note_row's last table, as SQLite spells it
    TableWrites* last_written_ = nullptr;  // and its entry in effects_.writes
};

// `s` with ASCII letters in lower case, as SQLite compares names.
std::string ascii_lower(const char* s);

}  // namespace runner
