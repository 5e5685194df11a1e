// The narrow database interface the executor and commands use; backends hide behind it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/text_source.hpp"

namespace runner {

// One applied revision as the version table records it.
struct AppliedRecord {
    std::string revision;
    std::string applied_at;  // UTC, "YYYY-MM-DD HH:MM:SS"
    std::int64_t duration_ms = 0;
    std::string checksum;  // of the up file; empty when the revision was stamped
    std::string how;       // "upgrade", "stamp" or "adopt"
};

// One entry of the audit log: every applied, reverted, stamped, reblessed or failed step.
struct LogEntry {
    std::string at;  // UTC, "YYYY-MM-DD HH:MM:SS"
    std::string revision;
    std::string action;  // upgrade, downgrade, stamp, unstamp, adopt, rebless, resolve, failed
    std::int64_t duration_ms = 0;
    std::string checksum;
    std::string user;
    std::string host;
    std::string detail;  // a rebless reason, or the error of a failed step
};

// A non-transactional migration that stopped part-way: what ran, and where it failed.
struct PartialRecord {
    std::string revision;
    std::string direction;  // upgrade or downgrade
    int statement = 0;      // 1-based index of the first statement not applied: --resume's start
    int line = 0;           // its line
    std::string error;      // why it stopped (or that it was interrupted)
    std::string at;
    std::string digest;  // of the text of statements 1 .. statement-1; empty in old records
};

// One foreign-key violation: a row of `table` (by rowid, or by primary key for a WITHOUT ROWID
// table) whose foreign key number `fk_id` finds no row in `parent`.
struct ForeignKeyViolation {
    std::string table;
    std::string key;  // "rowid 7", or "(k) = ('a')"
    std::string parent;
    int fk_id = 0;
    auto operator<=>(const ForeignKeyViolation&) const = default;
    bool operator==(const ForeignKeyViolation&) const = default;
    // "child rowid 7 references a missing row in parent"
    std::string describe() const {
        return table + " " + key + " references a missing row in " + parent;
    }
};

// Where a non-transactional script is: the first statement not applied, its line, and the digest
// of the text of the statements before it.
struct ScriptProgress {
    int next_statement = 1;
    int line = 1;
    std::string digest;
};

// How a script runs outside runner's transaction (transactional: false): each statement commits
// together with a record of the progress, so a crash or failure leaves a precise record.
struct NonTransactionalRun {
    // When resuming: the digest recorded with the failure; the statements skipped must still
    // have it, else execute_script refuses before running anything, ending its message with
    // `resume_hint`. Empty: not checked.
    std::string expected_digest;
    std::string resume_hint;
    // Records the progress (set_partial); called before the first statement runs, and inside
    // the transaction that commits each statement (or right after a statement that commits by
    // itself). Runner's bookkeeping writes are allowed while it runs.
    std::function<void(const ScriptProgress&)> record;
    // Set by execute_script when a statement fails: where the applied part ends (a transaction
    // of the script's own that was open is rolled back first).
    ScriptProgress stopped;
};

// A statement in a migration failed. what() is "<origin>:<line>: <database message>".
class StatementError : public Error {
  public:
    StatementError(std::string origin, int line, std::string db_message, std::string excerpt,
                   int statement = 0);
    int line() const { return line_; }
    int statement() const { return statement_; }  // 1-based index in the script
    const std::string& excerpt() const { return excerpt_; }
    const std::string& db_message() const { return db_message_; }

  private:
    int line_;
    int statement_;
    std::string excerpt_;
    std::string db_message_;
};

// A statement runner refuses to run at all (the authorizer said no, e.g. COMMIT inside a
// transactional migration, or a write to runner's bookkeeping): nothing of the migration ran,
// so it is not logged as a failed step and the database stays byte-identical.
class RefusedStatementError : public StatementError {
  public:
    using StatementError::StatementError;
};

enum class OpenMode {
    kReadOnly,   // never creates or modifies the file; a missing file reads as empty
    kReadWrite,  // creates the file when missing
};

class Database {
  public:
    Database() = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    virtual ~Database() = default;

    // What the user named, safe to print (passwords masked).
    virtual std::string describe() const = 0;

    // Whether runner's bookkeeping tables exist (runner has recorded something here before).
    virtual bool has_bookkeeping() = 0;
    // Applied revisions, oldest first; empty when the version table does not exist.
    virtual std::vector<AppliedRecord> applied() = 0;
    // Creates the version table when missing (inside the current transaction, if any).
    virtual void ensure_version_table() = 0;
    // Whether the version table records `revision` (false when there is no table).
    virtual bool is_applied(const std::string& revision) = 0;
    virtual void insert_applied(const AppliedRecord& record) = 0;
    virtual void delete_applied(const std::string& revision) = 0;
    virtual void delete_all_applied() = 0;
    virtual void update_checksum(const std::string& revision, const std::string& checksum) = 0;

    // Alembic's version table `table` (a plain identifier) in this database: its version_num
    // values, or nullopt when there is no such table. `runner adopt` takes over from them.
    virtual std::optional<std::vector<std::string>> alembic_versions(const std::string& table) = 0;
    // Drops that table (inside the current transaction).
    virtual void drop_alembic_table(const std::string& table) = 0;

    // Replaces the duration recorded by the step `entry` logged (its audit-log row and, for an
    // upgrade, its version-table row) with `ms`: the duration measured once its commit was done.
    virtual void correct_duration(const LogEntry& entry, std::int64_t ms) = 0;

    // The audit log, oldest first (empty when there is none).
    virtual std::vector<LogEntry> log() = 0;
    virtual void append_log(const LogEntry& entry) = 0;

    // Non-transactional migrations that failed part-way.
    virtual std::vector<PartialRecord> partials() = 0;
    virtual void set_partial(const PartialRecord& record) = 0;
    virtual void clear_partial(const std::string& revision) = 0;

    // Where to look for foreign-key violations.
    enum class FkScope {
        kAll,      // every table
        kChanged,  // only where the scripts run since the last look can have made new ones:
                   // tables whose schema changed and the tables referencing them, rows written
                   // to referencing tables, and the tables referencing a table that lost rows
                   // or changed a referenced key (everywhere when that cannot be known)
    };
    // Foreign-key violations in the current state, at most `limit` of them.
    virtual std::vector<ForeignKeyViolation> foreign_key_violations(int limit, FkScope scope) = 0;

    // Copies the whole database consistently while others may write, in bounded time, waiting
    // for a lock at most the lock timeout. The copy is complete before it gets its name: `path`,
    // or with `unique` the first free one of path, path-2, path-3, ... (never an existing
    // file; without `unique` an existing `path` is an error). Returns the name used.
    virtual std::string backup_to(const std::string& path, bool unique) = 0;
    // The database file, for naming backups.
    virtual std::string file_path() const = 0;
    // Whether the database file exists (read-only opens of a missing file read as empty).
    virtual bool exists() const = 0;

    // SQL text of the bookkeeping, for offline scripts: the tables' DDL, and the statements
    // that record or remove one applied revision together with its audit-log entry.
    virtual std::string bookkeeping_schema_sql() const = 0;
    virtual std::string record_applied_sql(const AppliedRecord& record,
                                           const LogEntry& entry) const = 0;
    virtual std::string remove_applied_sql(const std::string& revision,
                                           const LogEntry& entry) const = 0;

    // Transactions. begin() takes the write lock at once (SQLite: BEGIN IMMEDIATE).
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // Restores the connection settings runner opened the database with (foreign keys off,
    // recursive triggers off, query_only off, its busy timeout, ...), which a migration may have
    // changed. Throws when foreign-key enforcement cannot be turned off (inside a transaction).
    virtual void reset_session() = 0;
    // Waits (up to the lock timeout) until no runner is writing to the database, so what is read
    // next is not a migration caught half-way. A writer's own connection does not wait. Throws
    // on timeout.
    virtual void wait_for_writers() = 0;

    // Runs every statement read from `sql` in order, as the database parses them, skipping the
    // first `skip` statements (resuming a failed non-transactional migration). Reads the source
    // in chunks, holding only the statements not yet run: memory does not grow with the file.
    // `origin` names the file in errors. Throws StatementError at the first failing statement
    // and at a statement runner refuses (inside a transaction: transaction control; always:
    // changes to runner's own tables; a NUL byte); returns how many statements the script has.
    // Without `non_transactional` the script must run inside a transaction.
    virtual int execute_script(TextSource& sql, const std::string& origin, int skip = 0,
                               NonTransactionalRun* non_transactional = nullptr) = 0;
};

struct OpenOptions {
    std::string version_table = "runner_version";
    int lock_timeout_ms = 60'000;  // how long to wait for another writer before failing
    bool create = true;            // false: a read-write open of a missing file fails
};

// Where a SQLite database is, as open_database read it from a path or URL.
struct SqliteLocation {
    std::string path;        // the file
    std::string query;       // URI parameters passed on to SQLite ("mode=ro"), or empty
    bool read_only = false;  // mode=ro: commands that write are refused
    bool no_create = false;  // mode=ro or mode=rw: a missing file is not created
    bool memory = false;     // :memory:, mode=memory: refused, it keeps nothing
};

// Opens `url`: a path, sqlite:///relative/path, sqlite:////absolute/path (also spelled
// sqlite+pysqlite:// or sqlite+aiosqlite://), or a SQLite URI filename (file:app.db?mode=ro).
// Parameters: mode=ro|rw|rwc, cache=shared|private, uri=true; any other is refused by name, as
// is an in-memory database.
std::unique_ptr<Database> open_database(const std::string& url, OpenMode mode,
                                        const OpenOptions& options);

// Replaces every secret in a database URL or connection string with "***": the password in
// scheme://user:password@host, secret query parameters (?password=, ?sslpassword=, ?token=,
// ...) and libpq keyword/value `password=...`. Every message that shows a URL uses it.
std::string mask_secrets(const std::string& url);

// Rolls back unless commit() succeeded. commit() may throw; the destructor never does.
class Transaction {
  public:
    explicit Transaction(Database& db) : db_(db) { db_.begin(); }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (!done_) {
            db_.rollback();
        }
    }
    void commit() {
        db_.commit();
        done_ = true;
    }

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace runner
