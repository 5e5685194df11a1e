// RAII handles for SQLite's C objects, and SqliteDb: an open connection with a statement cache
// and one place (check/fail) that turns every SQLite return code into runner's errors.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace runner {

class LockProbe;

struct SqliteCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// The name of an (extended) result code: "SQLITE_CONSTRAINT_CHECK", "SQLITE_BUSY", ...
std::string sqlite_code_name(int code);
// SQLite's words plus the result code's name, e.g. "... (SQLITE_CONSTRAINT_CHECK)".
std::string sqlite_message(sqlite3* db);

// The line starting at `p`, printable and at most 120 characters.
std::string first_line_of(const char* p, const char* end);

// Resets a cached statement when the caller is done with it, even on error.
struct ResetGuard {
    sqlite3_stmt* stmt;
    ~ResetGuard() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
};

// The text of column `column` of the current row ("" for NULL).
std::string column_text(sqlite3_stmt* stmt, int column);

class SqliteDb {
  public:
    // `shown`: the database as messages name it; `probe` says who holds a lock on a timeout.
    SqliteDb(SqliteHandle db, std::string path, std::string shown, int lock_timeout_ms,
             LockProbe* probe);
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;
    ~SqliteDb() { close(); }

    sqlite3* get() const { return db_.get(); }
    explicit operator bool() const { return db_ != nullptr; }
    const std::string& shown() const { return shown_; }
    const std::string& path() const { return path_; }
    int lock_timeout_ms() const { return lock_timeout_ms_; }
    LockProbe* probe() const { return probe_; }
    void close() noexcept;

    // Throws what the connection's last error means: a LockTimeoutError (exit 6) when another
    // process held a lock past the busy timeout, else a DatabaseError "<db>: <doing>: <words>"
    // with the extended result code's name.
    [[noreturn]] void fail(std::string_view doing) const;
    // fail(doing) unless rc is SQLITE_OK.
    void check(int rc, std::string_view doing) const;

    StatementHandle prepare(std::string_view sql);
    // Runner's own statements run again and again: prepared once per connection.
    sqlite3_stmt* cached(std::string_view sql);
    void forget_cached() { cache_.clear(); }
    // Steps once: true for a row, false when done; throws on an error.
    bool step(sqlite3_stmt* stmt, std::string_view doing) const;
    // Runs `sql` (one statement) to its end.
    void exec(std::string_view sql, std::string_view doing);

    void bind(sqlite3_stmt* stmt, int index, std::string_view value) const;
    void bind_or_null(sqlite3_stmt* stmt, int index, std::string_view value) const;
    void bind_int(sqlite3_stmt* stmt, int index, sqlite3_int64 value) const;

  private:
    SqliteHandle db_;  // null: a read-only view of a file that does not exist
    std::string path_;
    std::string shown_;
    int lock_timeout_ms_;
    LockProbe* probe_;
    std::unordered_map<std::string, StatementHandle> cache_;  // destroyed before db_ (close())
};

}  // namespace runner
