// The SQLite backend's Connection; see sqlite_connection.hpp.
// Debian's SQLite is built with the pre-update hook (PRAGMA compile_options lists it); the
// foreign-key guard uses it to learn which rows a migration wrote.
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include "db/sqlite/sqlite_connection.hpp"

#include <utility>
#include <vector>

#include "db/capabilities.hpp"
#include "db/dialect.hpp"
#include "db/file_lock.hpp"
#include "db/lock_probe.hpp"
#include "db/sqlite/backup.hpp"
#include "db/sqlite/catalog.hpp"
#include "db/sqlite/foreign_key_guard.hpp"
#include "db/sqlite/open_sqlite.hpp"
#include "db/sqlite/script.hpp"
#include "db/sqlite/script_guard.hpp"
#include "db/sqlite/sqlite_dialect.hpp"

namespace runner {
namespace {

// The connection settings a migration can change that runner restores before each migration
// (PRAGMA names; busy_timeout is restored through the C API).
constexpr const char* kSessionSettings[] = {
    "foreign_keys",
    "defer_foreign_keys",
    "recursive_triggers",
    "legacy_alter_table",
    "query_only",
    "ignore_check_constraints",
    "reverse_unordered_selects",
    "writable_schema",
    "automatic_index",
    "cell_size_check",
    "trusted_schema",
    "secure_delete",
    "synchronous",
    "temp_store",
    "cache_size",
    "locking_mode",
};

class SqliteBackup final : public BackupCapability {
  public:
    explicit SqliteBackup(SqliteDb& db) : db_(db) {}
    std::string backup_to(const std::string& path, bool unique) override {
        return sqlite_backup(
            BackupSource{db_.get(), db_.path(), db_.shown(), db_.lock_timeout_ms(), db_.probe()},
            path, unique);
    }
    std::string file_path() const override { return db_.path(); }

  private:
    SqliteDb& db_;
};

class SqliteCatalog final : public SchemaCatalog {
  public:
    explicit SqliteCatalog(SqliteDb& db) : db_(db) {}
    Schema read_schema(const std::vector<std::string>& excluded_tables) override {
        return read_sqlite_schema(db_.get(), excluded_tables);
    }
    Reading read_schema_again(const std::vector<std::string>& excluded_tables) override {
        return read_sqlite_schema_again(db_.get(), excluded_tables, memory_);
    }

  private:
    SqliteDb& db_;
    SqliteSchemaMemory memory_;
};

class SqliteConnection final : public Connection {
  public:
    explicit SqliteConnection(SqliteTarget t)
        : lock_(std::move(t.lock)),
          db_(std::move(t.handle), std::move(t.path), std::move(t.shown), t.lock_timeout_ms,
              &probe_),
          guard_(bookkeeping_tables(t.version_table)),
          version_table_(std::move(t.version_table)),
          fk_(db_),
          backup_(db_),
          catalog_(db_) {}

    // A database file this run created but left empty (its first migration failed) is removed,
    // so a failed command leaves the disk as it found it: only while this run still holds the
    // exclusive lock that every runner takes, and only the very file it created. A scratch
    // database has no lock and no file.
    ~SqliteConnection() override {
        if (!db_ || !lock_ || !lock_->created()) {
            return;
        }
        rollback();
        bool empty = false;
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), "SELECT count(*) FROM main.sqlite_master", -1, &raw,
                               nullptr) == SQLITE_OK) {
            StatementHandle stmt(raw);
            empty =
                sqlite3_step(stmt.get()) == SQLITE_ROW && sqlite3_column_int(stmt.get(), 0) == 0;
        } else {
            StatementHandle failed(raw);  // cannot tell: keep the file
        }
        db_.close();
        if (empty) {
            lock_->remove_file();
        }
    }

    std::string describe() const override { return db_.shown(); }
    const Dialect& dialect() const override { return sqlite_dialect(); }
    bool exists() const override { return static_cast<bool>(db_); }

    void begin() override { db_.exec("BEGIN IMMEDIATE", "starting a transaction"); }
    void commit() override { db_.exec("COMMIT", "committing"); }
    void rollback() noexcept override {
        if (db_ && !sqlite3_get_autocommit(db_.get())) {
            // Cannot fail in a way that matters: SQLite rolls back on close as well.
            (void)sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }

    int run_script(TextSource& source, const std::string& origin, const ScriptRun& run) override {
        sqlite3* db = db_.get();
        sqlite3_set_authorizer(db, &SqliteConnection::authorize, this);
        sqlite3_preupdate_hook(db, &SqliteConnection::note_row, this);
        fk_.start_script();
        struct HooksReset {
            sqlite3* db;
            ScriptGuard& guard;
            ~HooksReset() {
                sqlite3_set_authorizer(db, nullptr, nullptr);
                sqlite3_preupdate_hook(db, nullptr, nullptr);
                guard.observe(false);
            }
        } hooks_reset{db, guard_};
        guard_.start(run.non_transactional == nullptr);
        guard_.observe(run.observer != nullptr);
        return run_sqlite_script(db, guard_, source, origin, run, &fk_);
    }

    std::int64_t execute(std::string_view sql, const SqlParams& params,
                         std::string_view doing) override {
        sqlite3_stmt* stmt = bound(sql, params, doing);
        ResetGuard reset{stmt};
        while (db_.step(stmt, doing)) {
        }
        return sqlite3_changes64(db_.get());
    }

    std::vector<SqlRow> query(std::string_view sql, const SqlParams& params,
                              std::string_view doing) override {
        std::vector<SqlRow> rows;
        if (!db_) {
            return rows;
        }
        sqlite3_stmt* stmt = bound(sql, params, doing);
        ResetGuard reset{stmt};
        const int columns = sqlite3_column_count(stmt);
        while (db_.step(stmt, doing)) {
            SqlRow& row = rows.emplace_back();
            row.reserve(static_cast<std::size_t>(columns));
            for (int i = 0; i < columns; ++i) {
                if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                    row.emplace_back();
                } else {
                    row.emplace_back(column_text(stmt, i));
                }
            }
        }
        return rows;
    }

    void reset_session() override {
        db_.check(sqlite3_busy_timeout(db_.get(), db_.lock_timeout_ms()), "setting the timeout");
        // Only a PRAGMA changes the settings below: after a migration that ran none they are
        // as the last reset left them, and reading them again costs every migration ~17 steps.
        const bool pragma_ran = guard_.take_pragma();
        if (!settings_.empty() && !pragma_ran) {
            return;
        }
        // Captured once, before the first migration runs: what runner opened the database with.
        if (settings_.empty()) {
            for (const char* name : kSessionSettings) {
                auto stmt = db_.prepare(std::string("PRAGMA ") + name);
                settings_.emplace_back(name,
                                       db_.step(stmt.get(), "reading PRAGMA " + std::string(name))
                                           ? column_text(stmt.get(), 0)
                                           : std::string());
            }
        }
        // Only when a migration set it: running the pragma at all makes SQLite treat LIKE as
        // non-deterministic, which forbids it in partial indexes and generated columns.
        if (guard_.take_case_sensitive_like()) {
            db_.exec("PRAGMA case_sensitive_like = OFF", "restoring case_sensitive_like");
        }
        for (const auto& [name, value] : settings_) {
            auto stmt = db_.prepare("PRAGMA " + name);
            if (db_.step(stmt.get(), "reading PRAGMA " + name) &&
                column_text(stmt.get(), 0) != value) {
                stmt.reset();
                // Some settings cannot change inside a transaction (--atomic): foreign keys,
                // checked below, are the one that matters; the others are left as they are.
                (void)sqlite3_exec(db_.get(), ("PRAGMA " + name + " = " + value).c_str(), nullptr,
                                   nullptr, nullptr);
            }
        }
        auto fk = db_.prepare("PRAGMA foreign_keys");
        if (db_.step(fk.get(), "reading PRAGMA foreign_keys") &&
            sqlite3_column_int(fk.get(), 0) != 0) {
            throw Error(db_.shown() +
                        ": foreign key enforcement is on and cannot be turned off inside a "
                        "transaction, so the next migration is not run (a table rebuild would "
                        "cascade-delete rows); run it without --atomic");
        }
    }

    void wait_for_writers() override {
        if (db_ && !lock_ && !db_.path().empty()) {
            // Released at once: this process may want the exclusive lock next.
            DatabaseFileLock(db_.path(), db_.shown(), DatabaseFileLock::Kind::kShared, false,
                             db_.lock_timeout_ms());
        }
    }

    std::unique_ptr<Connection> open_scratch() const override {
        return open_sqlite_scratch(version_table_);
    }

    BackupCapability* backup() override { return db_ && !db_.path().empty() ? &backup_ : nullptr; }
    ForeignKeyGuard* foreign_keys() override { return db_ ? &fk_ : nullptr; }
    SchemaCatalog* catalog() override { return db_ ? &catalog_ : nullptr; }

  private:
    // Prepared once per connection (runner's own statements repeat), with `params` bound.
    sqlite3_stmt* bound(std::string_view sql, const SqlParams& params, std::string_view doing) {
        if (!db_) {
            throw Error(db_.shown() + ": " + std::string(doing) + ": the database does not exist");
        }
        sqlite3_stmt* stmt = db_.cached(sql);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int index = static_cast<int>(i) + 1;
            if (const auto* text = std::get_if<std::string_view>(&params[i])) {
                db_.bind(stmt, index, *text);
            } else if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
                db_.bind_int(stmt, index, *number);
            } else {
                db_.check(sqlite3_bind_null(stmt, index), "binding a parameter");
            }
        }
        return stmt;
    }

    // The authorizer, while a script runs: the guard's verdict, then the foreign-key guard
    // notes what the statement changes (the statements a trigger runs included).
    static int authorize(void* self, int action, const char* a1, const char* a2, const char* schema,
                         const char*) {
        auto* c = static_cast<SqliteConnection*>(self);
        if (c->guard_.internal()) {
            return SQLITE_OK;  // runner's own bookkeeping
        }
        if (!c->guard_.allow(action, a1, a2, schema)) {
            return SQLITE_DENY;
        }
        c->fk_.note_change(action, a1, a2, schema);
        return SQLITE_OK;
    }

    // The pre-update hook, while a script runs: each row written (triggers' included).
    static void note_row(void* self, sqlite3*, int op, const char* schema, const char* table,
                         sqlite3_int64 old_rowid, sqlite3_int64 new_rowid) {
        auto* c = static_cast<SqliteConnection*>(self);
        if (!c->guard_.internal()) {
            c->fk_.note_row(op, schema, table, old_rowid, new_rowid);
        }
    }

    // Declared before db_, so released after the connection closes.
    std::unique_ptr<DatabaseFileLock> lock_;  // a writer's exclusive lock
    LockProbe probe_;  // also before db_: its descriptors close after the connection
    SqliteDb db_;
    ScriptGuard guard_;  // what the authorizer lets a script do
    std::string version_table_;
    SqliteForeignKeyGuard fk_;
    SqliteBackup backup_;
    SqliteCatalog catalog_;
    std::vector<std::pair<std::string, std::string>> settings_;  // PRAGMA name -> value at start
};

}  // namespace

std::unique_ptr<Connection> make_sqlite_connection(SqliteTarget target) {
    return std::make_unique<SqliteConnection>(std::move(target));
}

}  // namespace runner
