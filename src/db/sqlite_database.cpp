// The SQLite backend: the only file that includes <sqlite3.h>.
#include <sqlite3.h>

#include <sys/stat.h>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "db/database.hpp"
#include "util/text.hpp"

namespace runner {
namespace {

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

constexpr int kBusyTimeoutMs = 60'000;

// Skips blanks and SQL comments, so a statement's line is that of its first token.
const char* skip_blanks_and_comments(const char* p, const char* end) {
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v') {
            ++p;
        } else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n') {
                ++p;
            }
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            p += 2;
            while (p + 1 < end && !(p[0] == '*' && p[1] == '/')) {
                ++p;
            }
            p = p + 1 < end ? p + 2 : end;
        } else {
            break;
        }
    }
    return p;
}

// Counts lines incrementally as execution moves forward through a script.
class LineCounter {
  public:
    explicit LineCounter(const char* start) : pos_(start) {}
    int line_at(const char* p) {
        for (; pos_ < p; ++pos_) {
            line_ += *pos_ == '\n' ? 1 : 0;
        }
        return line_;
    }

  private:
    const char* pos_;
    int line_ = 1;
};

std::string first_line(const char* p, const char* end) {
    const char* e = p;
    while (e < end && *e != '\n' && *e != '\r') {
        ++e;
    }
    return printable(std::string_view(p, static_cast<std::size_t>(e - p)), 120);
}

// The line of `script` holding `at`, and a caret under `at` when `caret` is set.
std::string excerpt_at(const char* script, const char* end, const char* at, bool caret) {
    const char* line_start = at;
    while (line_start > script && line_start[-1] != '\n') {
        --line_start;
    }
    std::string text = first_line(line_start, end);
    const auto column = static_cast<std::size_t>(at - line_start);
    if (caret && column < 120) {
        text += "\n    " + std::string(column, ' ') + "^";
    }
    return text;
}

std::string code_name(int code) {
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

class SqliteDatabase final : public Database {
  public:
    SqliteDatabase(Connection db, std::string path, std::string shown, std::string version_table,
                   bool created)
        : db_(std::move(db)),
          path_(std::move(path)),
          shown_(std::move(shown)),
          table_(std::move(version_table)),
          created_(created) {}

    // A database file this run created but left empty (its first migration failed) is removed,
    // so a failed command leaves the disk as it found it.
    ~SqliteDatabase() override {
        if (!db_ || !created_) {
            return;
        }
        rollback();
        sqlite3_stmt* raw = nullptr;
        bool empty = false;
        if (sqlite3_prepare_v2(db_.get(), "SELECT count(*) FROM sqlite_master", -1, &raw,
                               nullptr) == SQLITE_OK) {
            Statement stmt(raw);
            empty =
                sqlite3_step(stmt.get()) == SQLITE_ROW && sqlite3_column_int(stmt.get(), 0) == 0;
        }
        db_.reset();
        if (empty) {
            std::remove(path_.c_str());
        }
    }

    std::string describe() const override { return shown_; }

    std::vector<AppliedRecord> applied() override {
        std::vector<AppliedRecord> out;
        if (!db_ || !table_exists()) {
            return out;
        }
        auto stmt =
            prepare("SELECT revision, applied_at, duration_ms, COALESCE(checksum, ''), how FROM " +
                    table_ + " ORDER BY applied_at, rowid");
        while (step(stmt.get(), "reading the version table")) {
            AppliedRecord r;
            r.revision = text(stmt.get(), 0);
            r.applied_at = text(stmt.get(), 1);
            r.duration_ms = sqlite3_column_int64(stmt.get(), 2);
            r.checksum = text(stmt.get(), 3);
            r.how = text(stmt.get(), 4);
            out.push_back(std::move(r));
        }
        return out;
    }

    void ensure_version_table() override {
        exec("CREATE TABLE IF NOT EXISTS " + table_ +
                 " (\n"
                 "    revision TEXT NOT NULL PRIMARY KEY,\n"
                 "    applied_at TEXT NOT NULL,\n"
                 "    duration_ms INTEGER NOT NULL DEFAULT 0,\n"
                 "    checksum TEXT,\n"
                 "    how TEXT NOT NULL DEFAULT 'upgrade'\n"
                 ")",
             "creating the version table " + table_);
    }

    bool is_applied(const std::string& revision) override {
        if (!db_ || !table_exists()) {
            return false;
        }
        auto stmt = prepare("SELECT 1 FROM " + table_ + " WHERE revision = ?");
        bind(stmt.get(), 1, revision);
        return step(stmt.get(), "reading the version table");
    }

    void insert_applied(const AppliedRecord& record) override {
        auto stmt =
            prepare("INSERT INTO " + table_ +
                    " (revision, applied_at, duration_ms, checksum, how) VALUES (?, ?, ?, ?, ?)");
        bind(stmt.get(), 1, record.revision);
        bind(stmt.get(), 2, record.applied_at);
        sqlite3_bind_int64(stmt.get(), 3, record.duration_ms);
        if (record.checksum.empty()) {
            sqlite3_bind_null(stmt.get(), 4);
        } else {
            bind(stmt.get(), 4, record.checksum);
        }
        bind(stmt.get(), 5, record.how);
        step(stmt.get(), "recording revision " + record.revision + " in " + table_);
    }

    void delete_applied(const std::string& revision) override {
        auto stmt = prepare("DELETE FROM " + table_ + " WHERE revision = ?");
        bind(stmt.get(), 1, revision);
        step(stmt.get(), "removing revision " + revision + " from " + table_);
        if (sqlite3_changes(db_.get()) != 1) {
            throw Error("expected revision " + revision + " in " + table_ +
                        " but it was not there; another runner may have changed the database");
        }
    }

    void delete_all_applied() override {
        if (table_exists()) {
            exec("DELETE FROM " + table_, "clearing " + table_);
        }
    }

    void begin() override { exec("BEGIN IMMEDIATE", "starting a transaction"); }
    void commit() override { exec("COMMIT", "committing"); }
    void rollback() noexcept override {
        if (db_ && !sqlite3_get_autocommit(db_.get())) {
            sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }

    void execute_script(std::string_view sql, const std::string& origin) override {
        if (sql.substr(0, 3) == "\xEF\xBB\xBF") {
            sql.remove_prefix(3);
        }
        const char* const start = sql.data();
        const char* const end = start + sql.size();
        LineCounter lines(start);
        const char* tail = start;
        while (tail < end) {
            const char* next = nullptr;
            sqlite3_stmt* raw = nullptr;
            const int rc =
                sqlite3_prepare_v2(db_.get(), tail, static_cast<int>(end - tail), &raw, &next);
            Statement stmt(raw);  // owns the statement before the return code is looked at
            const char* first = skip_blanks_and_comments(tail, end);
            if (rc != SQLITE_OK) {
                const int offset = sqlite3_error_offset(db_.get());
                const bool located = offset >= 0 && tail + offset <= end;
                const char* at = located ? tail + offset : first;
                throw StatementError(origin, lines.line_at(at), message(),
                                     excerpt_at(start, end, at, located));
            }
            if (!stmt) {
                break;  // only blanks and comments remain
            }
            const int line = lines.line_at(first);
            int step_rc;
            while ((step_rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
            }
            if (step_rc != SQLITE_DONE) {
                throw StatementError(origin, line, message(), excerpt_at(start, end, first, false));
            }
            tail = next;
        }
    }

  private:
    // SQLite's words plus the result code's name, e.g. "... (SQLITE_CONSTRAINT_CHECK)".
    std::string message() const {
        return std::string(sqlite3_errmsg(db_.get())) + " (" +
               code_name(sqlite3_extended_errcode(db_.get())) + ")";
    }

    // Throws an Error that says what was being done, where, and what SQLite said.
    [[noreturn]] void fail(const std::string& doing) const {
        throw Error(shown_ + ": " + doing + ": " + message());
    }

    Statement prepare(const std::string& sql) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
        Statement stmt(raw);
        if (rc != SQLITE_OK) {
            fail("preparing '" + first_line(sql.data(), sql.data() + sql.size()) + "'");
        }
        return stmt;
    }

    bool step(sqlite3_stmt* stmt, const std::string& doing) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc != SQLITE_DONE) {
            fail(doing);
        }
        return false;
    }

    void exec(const std::string& sql, const std::string& doing) {
        auto stmt = prepare(sql);
        while (step(stmt.get(), doing)) {
        }
    }

    bool table_exists() {
        auto stmt = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
        bind(stmt.get(), 1, table_);
        return step(stmt.get(), "looking for the version table " + table_);
    }

    void bind(sqlite3_stmt* stmt, int index, const std::string& value) {
        if (sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()),
                              SQLITE_TRANSIENT) != SQLITE_OK) {
            fail("binding a parameter");
        }
    }

    static std::string text(sqlite3_stmt* stmt, int column) {
        const auto* p = sqlite3_column_text(stmt, column);
        return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
    }

    Connection db_;  // null: a read-only view of a file that does not exist
    std::string path_;
    std::string shown_;
    std::string table_;
    bool created_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, const std::string& shown,
                                      OpenMode mode, const std::string& version_table) {
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        throw Error("database " + shown + " is a directory, not an SQLite file");
    }
    if (!exists && mode == OpenMode::kReadOnly) {
        return std::make_unique<SqliteDatabase>(Connection(), path, shown, version_table, false);
    }
    const int flags = SQLITE_OPEN_NOMUTEX |
                      (mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Connection db(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK) {
        const std::string why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
        throw Error("cannot open database " + shown + ": " + why);
    }
    sqlite3_extended_result_codes(db.get(), 1);
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
    // Migrations that rebuild tables must not fire cascades: foreign keys stay off while they run.
    sqlite3_exec(db.get(), "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr);
    return std::make_unique<SqliteDatabase>(std::move(db), path, shown, version_table, !exists);
}

}  // namespace runner
