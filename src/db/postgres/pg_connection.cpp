// The PostgreSQL Connection: see open_postgres.hpp. Locking is a session-level advisory lock
// taken by polling pg_try_advisory_lock (a waiter blocked in pg_advisory_lock would deadlock
// against CREATE INDEX CONCURRENTLY); the session runs in UTC so the bookkeeping's timestamptz
// columns read and compare as "YYYY-MM-DD HH:MM:SS".
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "db/dialect.hpp"
#include "db/postgres/open_postgres.hpp"
#include "db/postgres/pg_catalog.hpp"
#include "db/postgres/pg_dialect.hpp"
#include "db/postgres/pg_script.hpp"
#include "db/postgres/pg_session.hpp"
#include "db/postgres/pg_table_lock.hpp"

namespace runner {

namespace {

// The advisory lock's two keys: runner's, and the version table it guards (FNV-1a of
// "schema.table"), so projects with different version tables in one database do not wait on
// each other.
constexpr std::int32_t kLockClass = 0x52554e52;  // "RUNR"

constexpr std::string_view kRestoring = "restoring the session settings";

std::int32_t lock_key(const std::string& schema, const std::string& table) {
    std::uint32_t hash = 2166136261U;
    for (const char c : schema + "." + table) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 16777619U;
    }
    return static_cast<std::int32_t>(hash);
}

PgParams text_params(const SqlParams& params) {
    PgParams out;
    out.reserve(params.size());
    for (const auto& p : params) {
        if (const auto* text = std::get_if<std::string_view>(&p)) {
            out.emplace_back(std::string(*text));
        } else if (const auto* number = std::get_if<std::int64_t>(&p)) {
            out.emplace_back(std::to_string(*number));
        } else {
            out.emplace_back(std::nullopt);
        }
    }
    return out;
}

// A scratch database: created from template0 on the same server when constructed, dropped
// (with any session still on it) when destroyed.
class ScratchDatabase {
  public:
    ScratchDatabase(const std::string& url, const std::string& shown)
        : url_(url), shown_(shown), name_(next_name()) {
        PgSession admin(url_, shown_);
        admin.exec("CREATE DATABASE " + name_ + " TEMPLATE template0",
                   "creating a scratch database");
    }
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;
    ~ScratchDatabase() {
        try {
            PgSession admin(url_, shown_);
            admin.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)",
                       "dropping a scratch database");
        } catch (...) {
        }
    }
    const std::string& name() const { return name_; }

  private:
    static std::string next_name() {
        static std::atomic<int> counter{0};
        return "runner_scratch_" + std::to_string(::getpid()) + "_" +
               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() %
                              1'000'000) +
               "_" + std::to_string(++counter);
    }
    std::string url_;
    std::string shown_;
    std::string name_;
};

class PgConnection final : public Connection {
  public:
    PgConnection(const std::string& url, const std::string& shown, OpenMode mode,
                 const OpenOptions& options)
        : url_(url),
          shown_(shown),
          options_(options),
          session_(url, shown),
          catalog_(session_, options.schema),
          dialect_(options.version_table_schema, options.schema),
          writer_(mode == OpenMode::kReadWrite),
          lock_timeout_ms_(options.lock_timeout_ms),
          keys_(std::to_string(kLockClass) + ", " +
                std::to_string(lock_key(options.version_table_schema, options.version_table))) {
        apply_settings();
        find_current_schema();
        if (writer_ && options.lock_strategy == LockStrategy::kTable) {
            table_lock_ = std::make_unique<PgTableLock>(url, shown, lock_table(), lock_timeout_ms_,
                                                        options.lock_lease_ms);
        } else if (writer_) {
            take_lock("pg_try_advisory_lock", "taking runner's lock");
        }
    }

    // A connection to a new scratch database on the same server, dropped when it closes.
    PgConnection(const std::string& url, const std::string& shown, const OpenOptions& options,
                 std::unique_ptr<ScratchDatabase> scratch)
        : url_(url),
          shown_(shown),
          options_(options),
          scratch_(std::move(scratch)),
          session_(url, shown + " (scratch database " + scratch_->name() + ")", scratch_->name()),
          catalog_(session_, options.schema),
          dialect_(options.version_table_schema, options.schema),
          writer_(true),
          lock_timeout_ms_(options.lock_timeout_ms),
          keys_(std::to_string(kLockClass) + ", " +
                std::to_string(lock_key(options.version_table_schema, options.version_table))) {
        apply_settings();
        find_current_schema();
    }

    std::string describe() const override { return session_.shown(); }
    const Dialect& dialect() const override { return dialect_; }
    bool exists() const override { return true; }

    void begin() override {
        check_lease();
        if (!reset_pending_) {
            session_.exec("BEGIN", "starting a transaction");
        } else {
            // The reset asked for goes in the same round trip, committed on its own before the
            // BEGIN so the transaction starts with the defaults it restored (a migration's SET
            // default_transaction_read_only = on must not make runner's next one read-only).
            std::vector<PgSession::BatchItem> items{{"RESET ALL", {}, kRestoring}};
            const auto settings = settings_statements();
            for (const auto& setting : settings) {
                items.push_back({setting, {}, kRestoring});
            }
            items.back().separately = true;
            items.push_back({"BEGIN", {}, "starting a transaction"});
            try {
                session_.execute_batch(items);
            } catch (...) {
                rollback();  // the BEGIN may have run after a failed setting
                throw;
            }
            reset_pending_ = false;
        }
        try {
            ensure_schemas();
        } catch (...) {
            rollback();
            throw;
        }
    }

    void commit() override {
        // COMMIT of a transaction that failed only rolls it back, without an error.
        if (session_.transaction_failed()) {
            rollback();
            throw DatabaseError(
                session_.shown() + ": committing: the transaction had failed and was rolled back",
                "25P02");
        }
        session_.exec("COMMIT", "committing");
        reset_in_transaction_ = false;
    }

    void rollback() noexcept override {
        try {
            if (session_.in_transaction()) {
                session_.exec("ROLLBACK", "rolling back");
            }
        } catch (...) {
        }
        reset_pending_ = reset_pending_ || reset_in_transaction_;
        reset_in_transaction_ = false;
    }

    int run_script(TextSource& sql, const std::string& origin, const ScriptRun& run) override {
        check_lease();
        flush_reset();
        if (run.non_transactional != nullptr && !session_.in_transaction() &&
            (!options_.schema.empty() || !options_.version_table_schema.empty())) {
            Transaction<Connection> txn(*this);  // creates the schemas when missing
            txn.commit();
        }
        const bool local = run.non_transactional == nullptr || session_.in_transaction();
        // Outside a transaction, the script's SETs and timeouts stay with the session.
        session_changed_ = session_changed_ || !local;
        set_timeouts(run.timeouts, local);
        const BookkeepingTables tables(options_.version_table);
        return run_pg_script(session_, sql, origin, run,
                             {tables.version, tables.log, tables.partial, lock_table().table},
                             session_changed_);
    }

    std::int64_t execute(std::string_view sql, const SqlParams& params,
                         std::string_view doing) override {
        check_lease();  // a bookkeeping write (a migration's record) only under a live lease
        flush_reset();
        return session_.execute(sql, text_params(params), doing);
    }

    std::vector<std::int64_t> execute_batch(const std::vector<BatchStatement>& batch) override {
        check_lease();
        flush_reset();
        std::vector<PgSession::BatchItem> items;
        items.reserve(batch.size());
        for (const auto& s : batch) {
            items.push_back({s.sql, text_params(s.params), s.doing});
        }
        return session_.execute_batch(items);
    }

    std::vector<SqlRow> query(std::string_view sql, const SqlParams& params,
                              std::string_view doing) override {
        flush_reset();
        return session_.query(sql, text_params(params), doing);
    }

    // A migration may have changed settings (search_path, lock_timeout, TimeZone, ...): RESET
    // ALL restores what the connection started with, then runner's own settings. Sent with the
    // next BEGIN, or before anything else the connection sends next; and only after a script
    // ran a statement that may change them (pg_may_change_session), so a migration of plain DDL
    // and DML costs the server no extra statements.
    void reset_session() override {
        reset_pending_ = reset_pending_ || session_changed_;
        session_changed_ = false;
    }

    void wait_for_writers() override {
        flush_reset();
        if (!writer_ && options_.lock_strategy == LockStrategy::kTable) {
            PgTableLock::wait_for_writer(session_, lock_table(), lock_timeout_ms_);
        } else if (!writer_) {
            take_lock("pg_try_advisory_lock_shared", "waiting for a runner that is writing");
            session_.exec("SELECT pg_advisory_unlock_shared(" + keys_ + ")",
                          "releasing the shared lock");
        }
    }

    std::string backup_advice() const override {
        return "runner does not copy PostgreSQL databases; use pg_dump (pg_dump -Fc -f "
               "backup.dump DATABASE_URL) or the server's own backups";
    }

    std::unique_ptr<Connection> open_scratch() const override {
        return std::make_unique<PgConnection>(url_, shown_, options_,
                                              std::make_unique<ScratchDatabase>(url_, shown_));
    }

    SchemaCatalog* catalog() override {
        flush_reset();  // the catalog reads through the session itself
        return &catalog_;
    }

  private:
    PgLockTable lock_table() const {
        // Where the bookkeeping goes: the version table's schema, else the migrations' one
        // (first on the search_path), else the server's default.
        return PgLockTable{
            options_.version_table_schema.empty() ? options_.schema : options_.version_table_schema,
            options_.version_table + "_lock"};
    }

    void check_lease() const {
        if (table_lock_) {
            table_lock_->check();
        }
    }

    // Runner's session settings: UTC, ISO dates, and the migrations' schema when one is set.
    std::vector<std::string> settings_statements() const {
        std::vector<std::string> out{"SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'",
                                     "SET IntervalStyle = 'postgres'"};
        if (!options_.schema.empty()) {
            out.push_back("SET search_path TO " + dialect_.quote_identifier(options_.schema));
        }
        return out;
    }

    std::string settings_sql() const {
        std::string sql;
        for (const auto& setting : settings_statements()) {
            sql += (sql.empty() ? "" : "; ") + setting;
        }
        return sql;
    }

    void apply_settings() {
        session_.exec(settings_sql(), "setting the session's time zone, date style and schema");
    }

    // Without version_table_schema, runner's tables are named with the schema they are in when
    // the connection opens (the --schema one, else the current schema), so they are found
    // whatever search_path a migration sets (pg_dump's output sets it to '').
    void find_current_schema() {
        if (!options_.version_table_schema.empty()) {
            return;
        }
        if (!options_.schema.empty()) {
            dialect_.set_current_schema(options_.schema);
        } else if (const auto current = session_.scalar("SELECT current_schema()", {},
                                                        "finding the current schema")) {
            dialect_.set_current_schema(*current);
        }
    }

    // Restores the session settings now when a reset is pending.
    void flush_reset() {
        if (reset_pending_) {
            reset_pending_ = false;
            session_.exec("RESET ALL; " + settings_sql(), kRestoring);
            if (session_.in_transaction()) {
                reset_in_transaction_ = true;
            }
        }
    }

    // A migration's lock_timeout and statement_timeout: for its transaction (SET LOCAL), or for
    // the session when it runs outside one (reset_session() restores them before the next).
    void set_timeouts(const SessionTimeouts& timeouts, bool local) {
        const std::string set = local ? "SET LOCAL " : "SET ";
        if (timeouts.lock_ms) {
            session_.exec(set + "lock_timeout = " + std::to_string(*timeouts.lock_ms),
                          "setting lock_timeout");
        }
        if (timeouts.statement_ms) {
            session_.exec(set + "statement_timeout = " + std::to_string(*timeouts.statement_ms),
                          "setting statement_timeout");
        }
    }

    // In a writer's transaction: creates the schemas runner was told to use when missing (the
    // bookkeeping's first), so they commit or roll back with what runs in them.
    void ensure_schemas() {
        if (!writer_ || schemas_seen_) {
            return;
        }
        bool all_there = true;
        for (const auto* schema : {&options_.version_table_schema, &options_.schema}) {
            if (schema->empty() ||
                session_.scalar("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                {*schema}, "looking for the schema " + *schema)) {
                continue;
            }
            all_there = false;
            session_.exec("CREATE SCHEMA " + dialect_.quote_identifier(*schema),
                          "creating the schema " + *schema);
        }
        // Once both exist, later transactions do not look again (a round trip each); one this
        // transaction creates is looked for again until a transaction found it committed.
        schemas_seen_ = all_there;
    }

    // Polls `function` (never the blocking pg_advisory_lock) until it grants the lock or the
    // lock timeout passes.
    void take_lock(const std::string& function, const std::string& doing) {
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(lock_timeout_ms_);
        auto pause = std::chrono::milliseconds(5);
        for (;;) {
            const auto got = session_.scalar("SELECT " + function + "(" + keys_ + ")", {}, doing);
            if (got && *got == "t") {
                return;
            }
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) {
                throw LockTimeoutError(
                    session_.shown() + ": timed out after " + std::to_string(lock_timeout_ms_) +
                    " ms waiting for another runner, which holds runner's lock on this database "
                    "(--lock-timeout sets how long to wait)");
            }
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
            pause = std::min(pause * 2, std::chrono::milliseconds(200));
        }
    }

    std::string url_;
    std::string shown_;  // the URL masked, as the user named it
    OpenOptions options_;
    std::unique_ptr<ScratchDatabase> scratch_;  // destroyed after session_ closed
    PgSession session_;
    PgCatalog catalog_;
    PgDialect dialect_;
    bool writer_;
    int lock_timeout_ms_;
    std::string keys_;                         // the advisory lock's "class, key"
    std::unique_ptr<PgTableLock> table_lock_;  // lock_strategy = table (writers)
    bool schemas_seen_ = false;                // ensure_schemas() found them all (committed)
    bool session_changed_ = false;             // a script ran a statement that may change settings
    bool reset_pending_ = false;               // reset_session() asked, not sent yet
    bool reset_in_transaction_ = false;  // sent inside the open transaction (a rollback undoes it)
};

}  // namespace

std::unique_ptr<Connection> open_postgres(const std::string& url, const std::string& shown,
                                          OpenMode mode, const OpenOptions& options) {
    return std::make_unique<PgConnection>(url, shown, mode, options);
}

}  // namespace runner
