// SQLite handles and the one place return codes become errors; see handles.hpp.
#include "db/sqlite/handles.hpp"

#include "db/lock_probe.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace runner {

std::string sqlite_code_name(int code) {
    switch (code) {
        case SQLITE_CONSTRAINT_CHECK:
            return "SQLITE_CONSTRAINT_CHECK";
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return "SQLITE_CONSTRAINT_FOREIGNKEY";
        case SQLITE_CONSTRAINT_NOTNULL:
            return "SQLITE_CONSTRAINT_NOTNULL";
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return "SQLITE_CONSTRAINT_PRIMARYKEY";
        case SQLITE_CONSTRAINT_UNIQUE:
            return "SQLITE_CONSTRAINT_UNIQUE";
        case SQLITE_CONSTRAINT_TRIGGER:
            return "SQLITE_CONSTRAINT_TRIGGER";
        case SQLITE_READONLY_DBMOVED:
            return "SQLITE_READONLY_DBMOVED";
        default:
            break;
    }
    switch (code & 0xff) {
        case SQLITE_ERROR:
            return "SQLITE_ERROR";
        case SQLITE_INTERNAL:
            return "SQLITE_INTERNAL";
        case SQLITE_PERM:
            return "SQLITE_PERM";
        case SQLITE_ABORT:
            return "SQLITE_ABORT";
        case SQLITE_BUSY:
            return "SQLITE_BUSY";
        case SQLITE_LOCKED:
            return "SQLITE_LOCKED";
        case SQLITE_NOMEM:
            return "SQLITE_NOMEM";
        case SQLITE_READONLY:
            return "SQLITE_READONLY";
        case SQLITE_INTERRUPT:
            return "SQLITE_INTERRUPT";
        case SQLITE_IOERR:
            return "SQLITE_IOERR";
        case SQLITE_CORRUPT:
            return "SQLITE_CORRUPT";
        case SQLITE_FULL:
            return "SQLITE_FULL";
        case SQLITE_CANTOPEN:
            return "SQLITE_CANTOPEN";
        case SQLITE_CONSTRAINT:
            return "SQLITE_CONSTRAINT";
        case SQLITE_MISMATCH:
            return "SQLITE_MISMATCH";
        case SQLITE_TOOBIG:
            return "SQLITE_TOOBIG";
        case SQLITE_RANGE:
            return "SQLITE_RANGE";
        case SQLITE_NOTADB:
            return "SQLITE_NOTADB";
        default:
            return "SQLite error " + std::to_string(code);
    }
}

std::string sqlite_message(sqlite3* db) {
    return std::string(sqlite3_errmsg(db)) + " (" + sqlite_code_name(sqlite3_extended_errcode(db)) +
           ")";
}

std::string first_line_of(const char* p, const char* end) {
    const char* e = p;
    while (e < end && *e != '\n' && *e != '\r') {
        ++e;
    }
    return printable(std::string_view(p, static_cast<std::size_t>(e - p)), 120);
}

std::string column_text(sqlite3_stmt* stmt, int column) {
    const auto* p = sqlite3_column_text(stmt, column);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

SqliteDb::SqliteDb(SqliteHandle db, std::string path, std::string shown, int lock_timeout_ms,
                   LockProbe* probe)
    : db_(std::move(db)),
      path_(std::move(path)),
      shown_(std::move(shown)),
      lock_timeout_ms_(lock_timeout_ms),
      probe_(probe) {}

void SqliteDb::close() noexcept {
    cache_.clear();
    db_.reset();
}

void SqliteDb::fail(std::string_view doing) const {
    const int code = sqlite3_extended_errcode(db_.get());
    if ((code & 0xff) == SQLITE_BUSY) {
        throw LockTimeoutError(
            lock_timeout_message(shown_, std::string(doing), lock_timeout_ms_,
                                 probe_ != nullptr ? probe_->holder(path_) : std::string()));
    }
    throw DatabaseError(shown_ + ": " + std::string(doing) + ": " + sqlite_message(db_.get()),
                        sqlite_code_name(code));
}

void SqliteDb::check(int rc, std::string_view doing) const {
    if (rc != SQLITE_OK) {
        fail(doing);
    }
}

StatementHandle SqliteDb::prepare(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc =
        sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    StatementHandle stmt(raw);  // owns the statement before the return code is looked at
    if (rc != SQLITE_OK) {
        fail("preparing '" + first_line_of(sql.data(), sql.data() + sql.size()) + "'");
    }
    return stmt;
}

sqlite3_stmt* SqliteDb::cached(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
        it = cache_.emplace(std::string(sql), prepare(sql)).first;
    }
    return it->second.get();
}

bool SqliteDb::step(sqlite3_stmt* stmt, std::string_view doing) const {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc != SQLITE_DONE) {
        fail(doing);
    }
    return false;
}

void SqliteDb::exec(std::string_view sql, std::string_view doing) {
    auto stmt = prepare(sql);
    while (step(stmt.get(), doing)) {
    }
}

void SqliteDb::bind(sqlite3_stmt* stmt, int index, std::string_view value) const {
    // A default string_view has no data: bound as '' (a null pointer would bind NULL).
    check(sqlite3_bind_text(stmt, index, value.data() != nullptr ? value.data() : "",
                            static_cast<int>(value.size()), SQLITE_TRANSIENT),
          "binding a parameter");
}

void SqliteDb::bind_or_null(sqlite3_stmt* stmt, int index, std::string_view value) const {
    if (value.empty()) {
        check(sqlite3_bind_null(stmt, index), "binding a parameter");
    } else {
        bind(stmt, index, value);
    }
}

void SqliteDb::bind_int(sqlite3_stmt* stmt, int index, sqlite3_int64 value) const {
    check(sqlite3_bind_int64(stmt, index, value), "binding a parameter");
}

}  // namespace runner
