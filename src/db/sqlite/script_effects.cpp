// What the scripts run since the foreign-key guard last looked changed; see script_effects.hpp.
#include "db/sqlite/script_effects.hpp"

#include <cstring>
#include <utility>

namespace runner {
namespace {

// Beyond this many rows written to one table, checking the whole table is cheaper.
constexpr std::size_t kMaxRowsToProbe = 4096;

}  // namespace

std::string ascii_lower(const char* s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

ScriptEffects ScriptEffectsRecorder::take() {
    last_written_ = nullptr;
    return std::exchange(effects_, ScriptEffects{});
}

const char* ScriptEffectsRecorder::note_change(int action, const char* a1, const char* a2,
                                               const char* schema) {
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
            return nullptr;
    }
    if (table == nullptr || sqlite3_strnicmp(table, "sqlite_", 7) == 0) {
        return nullptr;  // SQLite's own tables
    }
    ScriptEffects& e = effects_;
    if (schema != nullptr && std::strcmp(schema, "main") != 0) {
        // TEMP tables cannot take part in the main schema's foreign keys; an attached
        // database's can, so those make the next check look everywhere.
        e.elsewhere = e.elsewhere || std::strcmp(schema, "temp") != 0;
        return nullptr;
    }
    std::string name = ascii_lower(table);
    switch (action) {
        case SQLITE_UPDATE:
            if (a2 != nullptr) {
                e.writes[name].columns.insert(ascii_lower(a2));
            }
            return nullptr;
        case SQLITE_DELETE:  // also covers a DELETE that skips the row hook (truncation)
            e.writes[name].removed = true;
            return nullptr;
        case SQLITE_INSERT:
            return nullptr;  // the rows come to note_row
        case SQLITE_CREATE_TABLE:
            e.created.insert(name);
            break;
        case SQLITE_DROP_TABLE:
            e.dropped.insert(name);
            break;
        case SQLITE_ALTER_TABLE:
            e.altered.insert(name);
            e.ddl.insert(std::move(name));
            return table;
        default:
            break;
    }
    e.ddl.insert(std::move(name));
    return nullptr;
}

void ScriptEffectsRecorder::note_row(int op, const char* schema, const char* table,
                                     sqlite3_int64 old_rowid, sqlite3_int64 new_rowid) {
    ScriptEffects& e = effects_;
    if (std::strcmp(schema, "main") != 0) {
        e.elsewhere = e.elsewhere || std::strcmp(schema, "temp") != 0;
        return;
    }
    // Statements write row after row to one table: look its entry up once. (By name: a schema
    // reload may give another table the same address.)
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

}  // namespace runner
