// The narrow interface a database backend implements: transactions, scripts, single statements
// and queries. What is the same for every backend (bookkeeping, the executor) is built on it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "migration/migration.hpp"
#include "util/error.hpp"
#include "util/text_source.hpp"

namespace runner {

class Dialect;
class BackupCapability;
class ForeignKeyGuard;
class SchemaCatalog;

enum class OpenMode {
    kReadOnly,   // never creates or modifies the database; a missing one reads as empty
    kReadWrite,  // creates it when missing (unless OpenOptions::create is false)
};

// How writers keep each other out (PostgreSQL; SQLite locks its file and refuses kTable).
enum class LockStrategy {
    kAdvisory,  // a session-level advisory lock, polled
    kTable,     // a row with an owner and a lease in <version_table>_lock (lock_strategy = table)
};

struct OpenOptions {
    std::string version_table = "runner_version";
    int lock_timeout_ms = 60'000;  // how long to wait for another writer before failing
    bool create = true;            // false: a read-write open of a missing database fails
    // PostgreSQL: the schema migrations run in (their search_path), and the schema of runner's
    // bookkeeping tables; each created when missing. Empty: the server's default. Backends
    // without schemas refuse them.
    std::string schema;
    std::string version_table_schema;
    LockStrategy lock_strategy = LockStrategy::kAdvisory;
    int lock_lease_ms = 30'000;  // kTable: how long the lease lasts unless renewed
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
    // have it, else run_script refuses before running anything, ending its message with
    // `resume_hint`. Empty: not checked.
    std::string expected_digest;
    std::string resume_hint;
    // Records the progress; called before the first statement runs, and inside the
    // transaction that commits each statement (or right after a statement that commits by
    // itself). Runner's bookkeeping writes are allowed while it runs.
    std::function<void(const ScriptProgress&)> record;
    // Set by run_script when a statement fails: where the applied part ends (a transaction of
    // the script's own that was open is rolled back first).
    ScriptProgress stopped;
};

// What one statement of a script touched, as far as the backend can tell.
struct StatementTouch {
    int statement = 0;  // 1-based index in the script
    int line = 0;
    const std::vector<std::string>& tables_written;  // rows inserted, updated or deleted
    const std::vector<std::string>& tables_changed;  // created, altered, dropped, (re)indexed
};

// Told after each statement of a script ran. Optional: a backend does no extra work without one.
class ScriptObserver {
  public:
    virtual ~ScriptObserver() = default;
    virtual void statement_done(const StatementTouch& touch) = 0;
};

class StatementError;

// How run_script runs a script.
struct ScriptRun {
    int skip = 0;  // statements to skip (resuming a failed non-transactional migration)
    NonTransactionalRun* non_transactional = nullptr;  // null: inside runner's transaction
    ScriptObserver* observer = nullptr;
    // The lock and statement timeouts the script's statements run with (for the transaction, or
    // for the session when non-transactional); backends without them ignore them.
    SessionTimeouts timeouts{};
    // Non-transactional scripts: asked when a statement that ran on its own (not inside a
    // transaction of the script's own) failed, with how many times it had failed before; true
    // (after waiting) to run it again. Null: never.
    std::function<bool(const StatementError&, int failures)> retry_statement{};
};

// A statement in a migration failed. what() is "<origin>:<line>: <database message>".
class StatementError : public Error {
  public:
    StatementError(std::string origin, int line, std::string db_message, std::string excerpt,
                   int statement = 0, std::string code = {});
    int line() const { return line_; }
    const std::string& origin() const { return origin_; }
    // The database's code for the failure (an SQLSTATE on PostgreSQL); empty when none.
    const std::string& code() const { return code_; }
    int statement() const { return statement_; }  // 1-based index in the script
    const std::string& excerpt() const { return excerpt_; }
    const std::string& db_message() const { return db_message_; }

  private:
    std::string origin_;
    int line_;
    int statement_;
    std::string excerpt_;
    std::string db_message_;
    std::string code_;
};

// A statement runner refuses to run at all (transaction control inside runner's transaction, a
// write to runner's bookkeeping, a NUL byte): nothing of the migration ran, so it is not logged
// as a failed step and the database stays as it was.
class RefusedStatementError : public StatementError {
  public:
    using StatementError::StatementError;
};

// A statement parameter: NULL, an integer, or text (copied by the backend when bound).
using SqlParam = std::variant<std::nullptr_t, std::int64_t, std::string_view>;
using SqlParams = std::vector<SqlParam>;
// One row a query returned: each value as text (integers in decimal), nullopt for NULL.
using SqlRow = std::vector<std::optional<std::string>>;

// One statement of runner's own in a batch (Connection::execute_batch). Text parameters are views:
// what they point to must outlive the call.
struct BatchStatement {
    std::string sql;
    SqlParams params;
    std::string doing;
};

class Connection {
  public:
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    virtual ~Connection() = default;

    // What the user named, safe to print (passwords masked).
    virtual std::string describe() const = 0;
    // The SQL text that differs per backend.
    virtual const Dialect& dialect() const = 0;
    // False for a read-only open of a database that does not exist: it reads as empty, and
    // query() returns no rows.
    virtual bool exists() const = 0;

    // Transactions. begin() takes the write lock at once (no other writer until commit or
    // rollback); commit() throws on failure; rollback() never throws and does nothing when no
    // transaction is open.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // Runs every statement read from `sql` in order, as the database parses them, skipping the
    // first `run.skip`. Reads the source in chunks, holding only the statements not yet run:
    // memory does not grow with the file. `origin` names the file in errors. Throws
    // StatementError at the first failing statement and RefusedStatementError at one runner
    // refuses (inside runner's transaction: transaction control; always: changes to runner's
    // own tables; a NUL byte). Returns how many statements the script has. Without
    // `run.non_transactional` the script runs inside the transaction begin() opened.
    virtual int run_script(TextSource& sql, const std::string& origin, const ScriptRun& run) = 0;

    // One statement of runner's own, with parameters numbered as the dialect writes them
    // (Dialect::parameter). Returns the number of rows it changed. `doing` says what it was
    // for, in the error thrown when it fails ("<database>: <doing>: <database message>").
    virtual std::int64_t execute(std::string_view sql, const SqlParams& params,
                                 std::string_view doing) = 0;
    // Statements of runner's own, run in order as execute() runs each, stopping at the first that
    // fails (its error is execute()'s). A backend may send them together, in one round trip.
    // Returns the number of rows each changed.
    virtual std::vector<std::int64_t> execute_batch(const std::vector<BatchStatement>& batch) {
        std::vector<std::int64_t> changed;
        changed.reserve(batch.size());
        for (const auto& s : batch) {
            changed.push_back(execute(s.sql, s.params, s.doing));
        }
        return changed;
    }
    // One query of runner's own: every row it returns.
    virtual std::vector<SqlRow> query(std::string_view sql, const SqlParams& params,
                                      std::string_view doing) = 0;

    // Restores the session settings runner opened the connection with, which a migration may
    // have changed. Throws when one that matters cannot be restored inside a transaction.
    virtual void reset_session() = 0;
    // Waits (up to the lock timeout) until no runner is writing to the database, so what is read
    // next is not a migration caught half-way. A writer's own connection does not wait.
    virtual void wait_for_writers() = 0;

    // An empty, private, in-memory database of the same backend, read-write, that disappears
    // when closed (for verify, lint and autogenerate); never touches a file.
    virtual std::unique_ptr<Connection> open_scratch() const = 0;

    // Capabilities only some backends have; null when this one has not.
    virtual BackupCapability* backup() { return nullptr; }
    // When backup() is null: why, and the backend's own tool to use instead.
    virtual std::string backup_advice() const {
        return "runner cannot copy this kind of database; use the database's own backup tool";
    }
    virtual ForeignKeyGuard* foreign_keys() { return nullptr; }
    virtual SchemaCatalog* catalog() { return nullptr; }
};

// Rolls back unless commit() succeeded. commit() may throw; the destructor never does.
template <class Db>
class Transaction {
  public:
    explicit Transaction(Db& db) : db_(db) { db_.begin(); }
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
    Db& db_;
    bool done_ = false;
};

}  // namespace runner
