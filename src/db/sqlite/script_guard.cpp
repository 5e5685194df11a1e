// What runner lets a migration's statements do; see script_guard.hpp.
#include "db/sqlite/script_guard.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace runner {

bool ScriptGuard::is_bookkeeping(const char* table, const char* schema) const {
    if (table == nullptr || (schema != nullptr && sqlite3_stricmp(schema, "main") != 0)) {
        return false;  // a TEMP table of the same name is the migration's own business
    }
    for (const auto& name : bookkeeping_) {
        if (sqlite3_stricmp(table, name.c_str()) == 0) {
            return true;
        }
    }
    return false;
}

void ScriptGuard::note(const char* table, bool write) {
    if (table == nullptr || sqlite3_strnicmp(table, "sqlite_", 7) == 0) {
        return;
    }
    auto& names = write ? written_ : changed_;
    if (std::find(names.begin(), names.end(), table) == names.end()) {
        names.emplace_back(table);
    }
}

bool ScriptGuard::allow(int action, const char* a1, const char* a2, const char* schema) {
    if (internal_) {
        return true;
    }
    const char* table = nullptr;  // a table the action changes
    const char* what = nullptr;
    switch (action) {
        case SQLITE_TRANSACTION: {
            const bool commit = a1 != nullptr && std::strcmp(a1, "COMMIT") == 0;
            const bool rollback = a1 != nullptr && std::strcmp(a1, "ROLLBACK") == 0;
            kind_ = commit     ? StatementKind::kCommit
                    : rollback ? StatementKind::kRollback
                               : StatementKind::kBegin;
            if (in_transaction_) {
                refusal_ = std::string(commit     ? "COMMIT/END would end"
                                       : rollback ? "ROLLBACK would end"
                                                  : "BEGIN would nest") +
                           " the transaction runner runs this migration in, so it is refused "
                           "before it runs and the migration rolled back; a migration that "
                           "controls its own transactions must say 'transactional: false' in its "
                           "header (SAVEPOINT, RELEASE and ROLLBACK TO work in either)";
                return false;
            }
            return true;
        }
        case SQLITE_SAVEPOINT:
            kind_ = StatementKind::kSavepoint;
            return true;
        case SQLITE_PRAGMA:
            pragma_ = true;
            if (a1 != nullptr && sqlite3_stricmp(a1, "case_sensitive_like") == 0) {
                case_sensitive_like_ = true;
            }
            [[fallthrough]];
        case SQLITE_ATTACH:
        case SQLITE_DETACH:
            // A pragma function in a SELECT (pragma_table_info) is also SQLITE_PRAGMA; such a
            // statement still works outside runner's per-statement transaction.
            kind_ = StatementKind::kOutside;
            return true;
        case SQLITE_INSERT:
            table = a1;
            what = "INSERT INTO";
            break;
        case SQLITE_UPDATE:
            table = a1;
            what = "UPDATE";
            break;
        case SQLITE_DELETE:
            table = a1;
            what = "DELETE FROM";
            break;
        case SQLITE_CREATE_TABLE:
            table = a1;
            what = "CREATE TABLE";
            break;
        case SQLITE_DROP_TABLE:
            table = a1;
            what = "DROP TABLE";
            break;
        case SQLITE_ALTER_TABLE:
            table = a2;
            schema = a1;
            what = "ALTER TABLE";
            break;
        case SQLITE_CREATE_INDEX:
        case SQLITE_DROP_INDEX:
            table = a2;
            what = "an index on";
            break;
        case SQLITE_CREATE_TRIGGER:
        case SQLITE_DROP_TRIGGER:
            table = a2;
            what = "a trigger on";
            break;
        default:
            return true;
    }
    if (!is_bookkeeping(table, schema)) {
        if (observing_) {
            note(table,
                 action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE);
        }
        return true;
    }
    refusal_ = std::string(what) + " " + table +
               " is refused before it runs: it is runner's own bookkeeping table, which "
               "migrations must not change; use 'runner stamp', 'resolve' or 'rebless' instead";
    return false;
}

}  // namespace runner
