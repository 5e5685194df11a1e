// The SQLite backend: the only file that includes <sqlite3.h>.
// Debian's SQLite is built with the pre-update hook (PRAGMA compile_options lists it); the
// foreign key check uses it to learn which rows a migration wrote.
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include <sys/stat.h>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "db/database.hpp"
#include "db/file_lock.hpp"
#include "db/lock_probe.hpp"
#include "db/sqlite_backup.hpp"
#include "db/sqlite_guard.hpp"
#include "db/sqlite_script.hpp"
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

// The tables of the main schema that scripts changed, by lower-case name (SQLite compares
// names without regard to ASCII case), as the authorizer reports them.
struct TableWrites {
    std::vector<sqlite3_int64> rows;  // rowids inserted or updated (the new rowid)
    bool many = false;                // more rows than are worth looking at one by one
    bool removed = false;             // rows deleted (REPLACE included) or given a new rowid
    std::set<std::string> columns;    // the columns UPDATE statements set
};

struct ScriptEffects {
    std::set<std::string> ddl;  // created, altered, dropped or (re)indexed
    std::set<std::string> created;
    std::set<std::string> altered;
    std::set<std::string> dropped;
    std::map<std::string, TableWrites> writes;  // rows written, by table
    bool elsewhere = false;                     // an attached database was changed too
};

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

// Beyond this many rows written to one table, checking the whole table is cheaper.
constexpr std::size_t kMaxRowsToProbe = 4096;

// `name` as an SQL identifier.
std::string quote_identifier(const std::string& name) {
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::string ascii_lower(const char* s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

class SqliteDatabase final : public Database {
  public:
    // `lock`: the exclusive lock a writing connection holds on the file for its whole life.
    SqliteDatabase(Connection db, std::string path, std::string shown, std::string version_table,
                   std::unique_ptr<DatabaseFileLock> lock, int lock_timeout_ms)
        : lock_(std::move(lock)),
          db_(std::move(db)),
          path_(std::move(path)),
          shown_(std::move(shown)),
          table_(std::move(version_table)),
          log_table_(table_ + "_log"),
          partial_table_(table_ + "_partial"),
          table_sql_("main." + quote_identifier(table_)),
          log_table_sql_("main." + quote_identifier(log_table_)),
          partial_table_sql_("main." + quote_identifier(partial_table_)),
          lock_timeout_ms_(lock_timeout_ms),
          guard_({table_, log_table_, partial_table_}) {}

    // A database file this run created but left empty (its first migration failed) is removed,
    // so a failed command leaves the disk as it found it: only while this run still holds the
    // exclusive lock that every runner takes, and only the very file it created.
    ~SqliteDatabase() override {
        if (!db_ || !lock_ || !lock_->created()) {
            return;
        }
        rollback();
        sqlite3_stmt* raw = nullptr;
        bool empty = false;
        if (sqlite3_prepare_v2(db_.get(), "SELECT count(*) FROM main.sqlite_master", -1, &raw,
                               nullptr) == SQLITE_OK) {
            Statement stmt(raw);
            empty =
                sqlite3_step(stmt.get()) == SQLITE_ROW && sqlite3_column_int(stmt.get(), 0) == 0;
        }
        cache_.clear();
        db_.reset();
        if (empty) {
            lock_->remove_file();
        }
    }

    std::string describe() const override { return shown_; }
    std::string file_path() const override { return path_; }
    bool exists() const override { return db_ != nullptr; }

    bool has_bookkeeping() override {
        return db_ && table_exists(table_) && table_exists(log_table_);
    }

    std::vector<AppliedRecord> applied() override {
        std::vector<AppliedRecord> out;
        if (!db_ || !version_table_exists()) {
            return out;
        }
        auto stmt =
            prepare("SELECT revision, applied_at, duration_ms, COALESCE(checksum, ''), how FROM " +
                    table_sql_ + " ORDER BY applied_at, rowid");
        while (step(stmt.get(), "reading the version table " + table_)) {
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
        if (tables_ready_ || (version_table_exists() && table_exists(log_table_))) {
            tables_ready_ = true;
            return;
        }
        const auto ddl = schema_statements(true);
        for (std::size_t i = 0; i < 2; ++i) {
            exec(ddl[i], "creating the bookkeeping tables " + table_ + " and " + log_table_);
        }
        tables_ready_ = true;
    }

    std::string bookkeeping_schema_sql() const override {
        std::string out;
        for (const auto& ddl : schema_statements(false)) {
            out += ddl + ";\n";
        }
        return out;
    }

    std::string record_applied_sql(const AppliedRecord& r, const LogEntry& e) const override {
        return "INSERT INTO " + table_ +
               " (revision, applied_at, duration_ms, checksum, how) VALUES (" + quote(r.revision) +
               ", " + kNowSql + ", 0, " + quote_or_null(r.checksum) + ", " + quote(r.how) + ");\n" +
               log_sql(e);
    }

    std::string remove_applied_sql(const std::string& revision, const LogEntry& e) const override {
        return "DELETE FROM " + table_ + " WHERE revision = " + quote(revision) + ";\n" +
               log_sql(e);
    }

    bool is_applied(const std::string& revision) override {
        if (!db_ || !(tables_ready_ || version_table_exists())) {
            return false;
        }
        sqlite3_stmt* stmt = cached("SELECT 1 FROM " + table_sql_ + " WHERE revision = ?");
        ResetGuard reset{stmt};
        bind(stmt, 1, revision);
        return step(stmt, "reading the version table " + table_);
    }

    void insert_applied(const AppliedRecord& record) override {
        auto stmt =
            prepare("INSERT INTO " + table_sql_ +
                    " (revision, applied_at, duration_ms, checksum, how) VALUES (?, ?, ?, ?, ?)");
        bind(stmt.get(), 1, record.revision);
        bind(stmt.get(), 2, record.applied_at);
        sqlite3_bind_int64(stmt.get(), 3, record.duration_ms);
        bind_or_null(stmt.get(), 4, record.checksum);
        bind(stmt.get(), 5, record.how);
        step(stmt.get(), "recording revision " + record.revision + " in " + table_);
    }

    void delete_applied(const std::string& revision) override {
        auto stmt = prepare("DELETE FROM " + table_sql_ + " WHERE revision = ?");
        bind(stmt.get(), 1, revision);
        step(stmt.get(), "removing revision " + revision + " from " + table_);
        if (sqlite3_changes(db_.get()) != 1) {
            throw Error("expected revision " + revision + " in " + table_ +
                        " but it was not there; another runner may have changed the database");
        }
    }

    void delete_all_applied() override {
        if (version_table_exists()) {
            exec("DELETE FROM " + table_sql_, "clearing " + table_);
        }
    }

    void update_checksum(const std::string& revision, const std::string& checksum) override {
        auto stmt = prepare("UPDATE " + table_sql_ + " SET checksum = ? WHERE revision = ?");
        bind(stmt.get(), 1, checksum);
        bind(stmt.get(), 2, revision);
        step(stmt.get(), "updating the checksum of " + revision);
        if (sqlite3_changes(db_.get()) != 1) {
            throw Error("revision " + revision + " is not recorded as applied in " + shown_);
        }
    }

    std::optional<std::vector<std::string>> alembic_versions(const std::string& table) override {
        if (!db_ || !table_exists(table)) {
            return std::nullopt;
        }
        std::vector<std::string> out;
        auto stmt = prepare("SELECT version_num FROM main." + quote_identifier(table) +
                            " ORDER BY version_num");
        while (step(stmt.get(), "reading Alembic's version table " + table)) {
            out.push_back(text(stmt.get(), 0));
        }
        return out;
    }

    void drop_alembic_table(const std::string& table) override {
        exec("DROP TABLE main." + quote_identifier(table), "dropping Alembic's table " + table);
    }

    void correct_duration(const LogEntry& e, std::int64_t ms) override {
        // The rows this run wrote: same revision, action, time and duration (another run may
        // have logged the same revision since).
        const bool upgrade = e.action == "upgrade";
        for (const auto& sql :
             {"UPDATE " + log_table_sql_ +
                  " SET duration_ms = ? WHERE revision = ? AND at = ? AND duration_ms = ? AND "
                  "action = ?",
              upgrade ? "UPDATE " + table_sql_ +
                            " SET duration_ms = ? WHERE revision = ? AND applied_at = ? AND "
                            "duration_ms = ?"
                      : std::string()}) {
            if (sql.empty()) {
                continue;
            }
            auto stmt = prepare(sql);
            sqlite3_bind_int64(stmt.get(), 1, ms);
            bind(stmt.get(), 2, e.revision);
            bind(stmt.get(), 3, e.at);
            sqlite3_bind_int64(stmt.get(), 4, e.duration_ms);
            if (sqlite3_bind_parameter_count(stmt.get()) == 5) {
                bind(stmt.get(), 5, e.action);
            }
            step(stmt.get(), "recording the duration of " + e.revision);
        }
    }

    std::vector<LogEntry> log() override {
        std::vector<LogEntry> out;
        if (!db_ || !table_exists(log_table_)) {
            return out;
        }
        auto stmt = prepare(
            "SELECT at, revision, action, duration_ms, COALESCE(checksum, ''), COALESCE(user, ''), "
            "COALESCE(host, ''), COALESCE(detail, '') FROM " +
            log_table_sql_ + " ORDER BY id");
        while (step(stmt.get(), "reading the audit log " + log_table_)) {
            LogEntry e;
            e.at = text(stmt.get(), 0);
            e.revision = text(stmt.get(), 1);
            e.action = text(stmt.get(), 2);
            e.duration_ms = sqlite3_column_int64(stmt.get(), 3);
            e.checksum = text(stmt.get(), 4);
            e.user = text(stmt.get(), 5);
            e.host = text(stmt.get(), 6);
            e.detail = text(stmt.get(), 7);
            out.push_back(std::move(e));
        }
        return out;
    }

    void append_log(const LogEntry& e) override {
        sqlite3_stmt* stmt = cached("INSERT INTO " + log_table_sql_ +
                                    " (at, revision, action, duration_ms, checksum, user, host, "
                                    "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        ResetGuard reset{stmt};
        bind(stmt, 1, e.at);
        bind(stmt, 2, e.revision);
        bind(stmt, 3, e.action);
        sqlite3_bind_int64(stmt, 4, e.duration_ms);
        bind_or_null(stmt, 5, e.checksum);
        bind_or_null(stmt, 6, e.user);
        bind_or_null(stmt, 7, e.host);
        bind_or_null(stmt, 8, e.detail);
        step(stmt, "writing the audit log " + log_table_);
    }

    std::vector<PartialRecord> partials() override {
        std::vector<PartialRecord> out;
        if (!db_ || !table_exists(partial_table_)) {
            return out;
        }
        const bool digest = has_digest_column();
        auto stmt = prepare("SELECT revision, direction, statement, line, error, at, " +
                            std::string(digest ? "COALESCE(digest, '')" : "''") + " FROM " +
                            partial_table_sql_ + " ORDER BY at, revision");
        while (step(stmt.get(), "reading " + partial_table_)) {
            PartialRecord p;
            p.revision = text(stmt.get(), 0);
            p.direction = text(stmt.get(), 1);
            p.statement = sqlite3_column_int(stmt.get(), 2);
            p.line = sqlite3_column_int(stmt.get(), 3);
            p.error = text(stmt.get(), 4);
            p.at = text(stmt.get(), 5);
            p.digest = text(stmt.get(), 6);
            out.push_back(std::move(p));
        }
        return out;
    }

    void set_partial(const PartialRecord& p) override {
        // Created only when a non-transactional migration first stops part-way.
        if (!partial_table_exists_ || !*partial_table_exists_) {
            exec(schema_statements(true)[2], "creating " + partial_table_);
            partial_table_exists_ = true;
        }
        if (!has_digest_column()) {  // a table from before runner recorded digests
            exec("ALTER TABLE " + partial_table_sql_ + " ADD COLUMN digest TEXT",
                 "adding the digest column to " + partial_table_);
        }
        sqlite3_stmt* stmt = cached("INSERT OR REPLACE INTO " + partial_table_sql_ +
                                    " (revision, direction, statement, line, error, at, digest) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?)");
        ResetGuard reset{stmt};
        bind(stmt, 1, p.revision);
        bind(stmt, 2, p.direction);
        sqlite3_bind_int(stmt, 3, p.statement);
        sqlite3_bind_int(stmt, 4, p.line);
        bind(stmt, 5, p.error);
        bind(stmt, 6, p.at);
        bind_or_null(stmt, 7, p.digest);
        step(stmt, "recording the progress of " + p.revision);
    }

    void clear_partial(const std::string& revision) override {
        // sqlite_master has no index on name: look once per connection, not once per step.
        if (!partial_table_exists_) {
            partial_table_exists_ = table_exists(partial_table_);
        }
        if (!*partial_table_exists_) {
            return;
        }
        auto stmt = prepare("DELETE FROM " + partial_table_sql_ + " WHERE revision = ?");
        bind(stmt.get(), 1, revision);
        step(stmt.get(), "clearing the failed-statement record of " + revision);
    }

    std::vector<ForeignKeyViolation> foreign_key_violations(int limit, FkScope scope) override {
        const ScriptEffects effects = std::exchange(effects_, ScriptEffects{});
        last_written_ = nullptr;
        std::vector<ForeignKeyViolation> out;
        if (!has_foreign_keys(effects)) {
            return out;
        }
        if (scope == FkScope::kAll || effects.elsewhere) {
            children_.reset();  // rebuilt from the schema when next needed
            forget_row_lookups();
            auto stmt = prepare("PRAGMA foreign_key_check");
            collect_violations(stmt.get(), limit, out);
            return out;
        }
        // A new violation needs a changed row in the referencing table or in the table it
        // references. A table whose schema changed is checked whole, with the tables that
        // reference it. Otherwise only rows written to a referencing table are looked up;
        // and a referenced table matters only where rows went or their keys changed.
        update_children(effects);
        if (!effects.ddl.empty()) {
            forget_row_lookups();
        }
        std::set<std::string> suspects;
        const auto add_children = [&](const std::string& name) {
            if (const auto it = children_->find(name); it != children_->end()) {
                suspects.insert(it->second.begin(), it->second.end());
            }
        };
        for (const auto& name : effects.ddl) {
            suspects.insert(name);
            add_children(name);
        }
        for (const auto& [name, w] : effects.writes) {
            if (effects.ddl.count(name) > 0) {
                continue;
            }
            if (w.removed || updates_referenced_columns(name, w.columns)) {
                add_children(name);
            }
            if (parents_.count(name) > 0 &&
                (w.many || (!w.rows.empty() && !rows_reference_existing_rows(name, w.rows)))) {
                suspects.insert(name);
            }
        }
        sqlite3_stmt* stmt = cached("SELECT * FROM pragma_foreign_key_check(?)");
        for (const auto& name : suspects) {
            if (static_cast<int>(out.size()) >= limit) {
                break;
            }
            if (!is_table(name)) {
                continue;  // dropped or renamed: its children were looked at
            }
            ResetGuard reset{stmt};
            bind(stmt, 1, name);
            collect_violations(stmt, limit, out);
        }
        return out;
    }

    std::string backup_to(const std::string& path, bool unique) override {
        return sqlite_backup(BackupSource{db_.get(), path_, shown_, lock_timeout_ms_, &probe_},
                             path, unique);
    }

    void begin() override { exec("BEGIN IMMEDIATE", "starting a transaction"); }
    void commit() override { exec("COMMIT", "committing"); }
    void rollback() noexcept override {
        if (db_ && !sqlite3_get_autocommit(db_.get())) {
            sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }

    int execute_script(TextSource& source, const std::string& origin, int skip,
                       NonTransactionalRun* non_transactional) override {
        sqlite3_set_authorizer(db_.get(), &SqliteDatabase::note_change, this);
        sqlite3_preupdate_hook(db_.get(), &SqliteDatabase::note_row, this);
        last_written_ = nullptr;
        struct HooksReset {
            sqlite3* db;
            ~HooksReset() {
                sqlite3_set_authorizer(db, nullptr, nullptr);
                sqlite3_preupdate_hook(db, nullptr, nullptr);
            }
        } hooks_reset{db_.get()};
        guard_.start(non_transactional == nullptr);
        return run_sqlite_script(db_.get(), guard_, source, origin, skip, non_transactional);
    }

    void reset_session() override {
        // Captured once, before the first migration runs: what runner opened the database with.
        if (settings_.empty()) {
            for (const char* name : kSessionSettings) {
                auto stmt = prepare(std::string("PRAGMA ") + name);
                settings_.emplace_back(name, step(stmt.get(), "reading PRAGMA " + std::string(name))
                                                 ? text(stmt.get(), 0)
                                                 : std::string());
            }
        }
        sqlite3_busy_timeout(db_.get(), lock_timeout_ms_);
        sqlite3_exec(db_.get(), "PRAGMA case_sensitive_like = OFF", nullptr, nullptr, nullptr);
        for (const auto& [name, value] : settings_) {
            auto stmt = prepare("PRAGMA " + name);
            if (step(stmt.get(), "reading PRAGMA " + name) && text(stmt.get(), 0) != value) {
                stmt.reset();
                // Some settings cannot change inside a transaction (--atomic): foreign keys,
                // checked below, are the one that matters.
                sqlite3_exec(db_.get(), ("PRAGMA " + name + " = " + value).c_str(), nullptr,
                             nullptr, nullptr);
            }
        }
        auto fk = prepare("PRAGMA foreign_keys");
        if (step(fk.get(), "reading PRAGMA foreign_keys") && sqlite3_column_int(fk.get(), 0) != 0) {
            throw Error(shown_ +
                        ": foreign key enforcement is on and cannot be turned off inside a "
                        "transaction, so the next migration is not run (a table rebuild would "
                        "cascade-delete rows); run it without --atomic");
        }
    }

    void wait_for_writers() override {
        if (db_ && !lock_) {
            // Released at once: this process may want the exclusive lock next.
            DatabaseFileLock(path_, shown_, DatabaseFileLock::Kind::kShared, false,
                             lock_timeout_ms_);
        }
    }

  private:
    std::string message() const { return sqlite_message(db_.get()); }

    // Throws an Error that says what was being done, where, and what SQLite said.
    // Another process holding a lock past the busy timeout is a LockTimeoutError (exit 6).
    [[noreturn]] void fail(const std::string& doing) {
        if ((sqlite3_extended_errcode(db_.get()) & 0xff) == SQLITE_BUSY) {
            throw LockTimeoutError(
                lock_timeout_message(shown_, doing, lock_timeout_ms_, probe_.holder(path_)));
        }
        throw Error(shown_ + ": " + doing + ": " + message());
    }

    // Bookkeeping statements run once per migration; preparing them once saves the parse.
    sqlite3_stmt* cached(const std::string& sql) {
        auto it = cache_.find(sql);
        if (it == cache_.end()) {
            it = cache_.emplace(sql, prepare(sql)).first;
        }
        return it->second.get();
    }

    Statement prepare(const std::string& sql) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr);
        Statement stmt(raw);
        if (rc != SQLITE_OK) {
            fail("preparing '" + first_line_of(sql.data(), sql.data() + sql.size()) + "'");
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

    // Whether the version table exists; throws when a table of that name is not runner's
    // (Alembic's alembic_version, an application table), instead of failing on its columns.
    bool version_table_exists() {
        if (!table_exists(table_)) {
            return false;
        }
        if (version_table_checked_) {
            return true;
        }
        sqlite3_stmt* stmt = cached("SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid");
        ResetGuard reset{stmt};
        bind(stmt, 1, table_);
        std::vector<std::string> columns;
        while (step(stmt, "reading the columns of " + table_)) {
            columns.push_back(text(stmt, 0));
        }
        for (const char* needed : {"revision", "applied_at", "duration_ms", "checksum", "how"}) {
            if (std::find(columns.begin(), columns.end(), needed) != columns.end()) {
                continue;
            }
            if (columns == std::vector<std::string>{"version_num"}) {
                throw Error("the table " + table_ + " in " + shown_ +
                            " is Alembic's version table, not runner's; set version_table (or "
                            "drop that setting) to a table runner owns, such as runner_version "
                            "(adopting an Alembic database is planned, not supported yet)");
            }
            std::string shown_columns;
            for (const auto& c : columns) {
                shown_columns += (shown_columns.empty() ? "" : ", ") + c;
            }
            throw Error("the table " + table_ + " in " + shown_ +
                        " is not a runner version table (its columns are " + shown_columns +
                        "); set version_table to a name no other table uses, such as "
                        "runner_version");
        }
        version_table_checked_ = true;
        return true;
    }

    // Whether the failed-migration table has the digest column (tables from before it lack it).
    bool has_digest_column() {
        sqlite3_stmt* stmt =
            cached("SELECT 1 FROM pragma_table_info(?, 'main') WHERE name = 'digest'");
        ResetGuard reset{stmt};
        bind(stmt, 1, partial_table_);
        return step(stmt, "reading the columns of " + partial_table_);
    }

    // Table names are case-insensitive in SQLite: Runner_Version is runner_version.
    bool table_exists(const std::string& name) {
        sqlite3_stmt* stmt = cached(
            "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE");
        ResetGuard reset{stmt};
        bind(stmt, 1, name);
        return step(stmt, "looking for the table " + name);
    }

    // Rows of PRAGMA foreign_key_check as "table rowid N references a missing row in parent".
    // Rows of PRAGMA foreign_key_check as values. The pragma gives no rowid for a WITHOUT
    // ROWID table: those rows are named by their primary key, looked up once per foreign key,
    // so that one old violation cannot stand for every new one in the same table.
    void collect_violations(sqlite3_stmt* stmt, int limit, std::vector<ForeignKeyViolation>& out) {
        std::set<std::pair<std::string, int>> keyed;  // (table, fk id) already listed by key
        while (static_cast<int>(out.size()) < limit && step(stmt, "checking foreign keys")) {
            ForeignKeyViolation v{text(stmt, 0), "", text(stmt, 2), sqlite3_column_int(stmt, 3)};
            if (sqlite3_column_type(stmt, 1) != SQLITE_NULL) {
                v.key = "rowid " + text(stmt, 1);
                out.push_back(std::move(v));
                continue;
            }
            if (!keyed.emplace(v.table, v.fk_id).second) {
                continue;
            }
            auto keys = violating_keys(v.table, v.fk_id);
            if (keys.empty()) {
                keys.push_back("row");  // cannot say which: the old, coarser answer
            }
            for (auto& key : keys) {
                if (static_cast<int>(out.size()) >= limit) {
                    break;
                }
                out.push_back(ForeignKeyViolation{v.table, std::move(key), v.parent, v.fk_id});
            }
        }
    }

    // The primary keys of the rows of WITHOUT ROWID table `child` that break its foreign key
    // `fk_id`, as "row with k = 'a'"; empty when that cannot be said.
    std::vector<std::string> violating_keys(const std::string& child, int fk_id) {
        std::vector<std::string> out;
        std::string parent;
        std::vector<std::string> from;
        std::vector<std::string> to;
        {
            auto stmt = prepare(
                "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
                "WHERE id = ?2 ORDER BY seq");
            bind(stmt.get(), 1, child);
            sqlite3_bind_int(stmt.get(), 2, fk_id);
            while (step(stmt.get(), "reading the foreign keys of " + child)) {
                parent = text(stmt.get(), 0);
                from.push_back(text(stmt.get(), 1));
                if (sqlite3_column_type(stmt.get(), 2) != SQLITE_NULL) {
                    to.push_back(text(stmt.get(), 2));
                }
            }
        }
        const auto primary_key = [&](const std::string& table) {
            std::vector<std::string> columns;
            auto stmt = prepare("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk");
            bind(stmt.get(), 1, table);
            while (step(stmt.get(), "reading the primary key of " + table)) {
                columns.push_back(text(stmt.get(), 0));
            }
            return columns;
        };
        if (to.empty()) {
            to = primary_key(parent);
        }
        const auto key = primary_key(child);
        if (from.empty() || to.size() != from.size() || key.empty()) {
            return out;
        }
        std::string names;
        std::string values;
        std::string present;
        std::string match;
        for (std::size_t i = 0; i < key.size(); ++i) {
            names += (i > 0 ? ", " : "") + key[i];
            values += std::string(i > 0 ? " || ', ' || " : "") + "quote(c." +
                      quote_identifier(key[i]) + ")";
        }
        for (std::size_t i = 0; i < from.size(); ++i) {
            const std::string c = "c." + quote_identifier(from[i]);
            present += (i > 0 ? " AND " : "") + c + " IS NOT NULL";
            match +=
                (i > 0 ? " AND " : "") + std::string("p.") + quote_identifier(to[i]) + " = +" + c;
        }
        const bool one = key.size() == 1;
        const std::string sql = "SELECT " + values + " FROM main." + quote_identifier(child) +
                                " AS c WHERE " + present + " AND NOT EXISTS (SELECT 1 FROM main." +
                                quote_identifier(parent) + " AS p WHERE " + match + ")";
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
            Statement failed(raw);
            return out;  // e.g. the parent table is gone
        }
        Statement stmt(raw);
        while (step(stmt.get(), "checking the foreign keys of " + child)) {
            out.push_back("row with " + (one ? names : "(" + names + ")") + " = " +
                          (one ? text(stmt.get(), 0) : "(" + text(stmt.get(), 0) + ")"));
        }
        return out;
    }

    // Whether any table declares a foreign key. Known once per connection, then kept current
    // from the tables each script created or altered, so the check costs nothing per
    // migration in databases without foreign keys.
    bool has_foreign_keys(const ScriptEffects& effects) {
        if (!has_foreign_keys_) {
            auto stmt = prepare(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%' "
                "LIMIT 1");
            has_foreign_keys_ = step(stmt.get(), "looking for foreign keys");
            return *has_foreign_keys_;
        }
        if (*has_foreign_keys_) {
            return true;
        }
        // Per table through the schema hash (pragma functions), not a scan of sqlite_master.
        for (const auto* names : {&effects.created, &effects.altered}) {
            for (const auto& name : *names) {
                if (!is_table(name)) {
                    if (names == &effects.altered) {
                        has_foreign_keys_.reset();  // renamed since: look everywhere
                        return has_foreign_keys(effects);
                    }
                    continue;  // created and dropped again
                }
                if (!foreign_key_parents(name).empty()) {
                    has_foreign_keys_ = true;
                    return true;
                }
            }
        }
        return false;
    }

    // Whether `name` is a table of the main schema (by the schema hash, not a scan).
    bool is_table(const std::string& name) { return table_without_rowid(name).has_value(); }

    // Whether table `name` is WITHOUT ROWID; nullopt when it is no table of the main schema.
    std::optional<bool> table_without_rowid(const std::string& name) {
        sqlite3_stmt* stmt =
            cached("SELECT wr FROM pragma_table_list(?) WHERE schema = 'main' AND type = 'table'");
        ResetGuard reset{stmt};
        bind(stmt, 1, name);
        if (!step(stmt, "looking for the table " + name)) {
            return std::nullopt;
        }
        return sqlite3_column_int(stmt, 0) != 0;
    }

    // The row lookups and referenced columns are built from the schema: after it changes they
    // are built again when needed.
    void forget_row_lookups() {
        probe_sql_.clear();
        key_columns_.clear();
    }

    // The tables that the foreign keys of table `name` reference, lower case.
    std::vector<std::string> foreign_key_parents(const std::string& name) {
        sqlite3_stmt* stmt =
            cached("SELECT DISTINCT lower(\"table\") FROM pragma_foreign_key_list(?)");
        ResetGuard reset{stmt};
        bind(stmt, 1, name);
        std::vector<std::string> parents;
        while (step(stmt, "reading the foreign keys of " + name)) {
            parents.push_back(text(stmt, 0));
        }
        return parents;
    }

    // Keeps the map from each table to the tables that reference it current: built from the
    // schema once per connection, then updated from what each script created, altered and
    // dropped. A rename rewrites other tables' references, so it starts the map afresh.
    void update_children(const ScriptEffects& effects) {
        if (children_) {
            for (const auto& name : effects.altered) {
                if (effects.created.count(name) > 0 || effects.dropped.count(name) > 0 ||
                    !is_table(name)) {
                    children_.reset();
                    break;
                }
            }
        }
        if (!children_) {
            children_.emplace();
            parents_.clear();
            auto stmt = prepare(
                "SELECT lower(m.name), lower(f.\"table\") FROM sqlite_master AS m, "
                "pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table'");
            while (step(stmt.get(), "reading the foreign keys of every table")) {
                link(text(stmt.get(), 0), text(stmt.get(), 1));
            }
            return;
        }
        for (const auto* names : {&effects.dropped, &effects.created, &effects.altered}) {
            for (const auto& name : *names) {
                unlink(name);
                if (names != &effects.dropped && is_table(name)) {
                    for (const auto& parent : foreign_key_parents(name)) {
                        link(name, parent);
                    }
                }
            }
        }
    }

    void link(const std::string& child, const std::string& parent) {
        auto& children = (*children_)[parent];
        if (std::find(children.begin(), children.end(), child) == children.end()) {
            children.push_back(child);
            parents_[child].push_back(parent);
        }
    }

    void unlink(const std::string& child) {
        const auto it = parents_.find(child);
        if (it == parents_.end()) {
            return;
        }
        for (const auto& parent : it->second) {
            auto& children = (*children_)[parent];
            children.erase(std::remove(children.begin(), children.end(), child), children.end());
        }
        parents_.erase(it);
    }

    // The authorizer, while a script runs: notes each table a statement writes or changes
    // (the statements a trigger runs included, as they are compiled in).
    static int note_change(void* self, int action, const char* a1, const char* a2,
                           const char* schema, const char*) {
        auto* db = static_cast<SqliteDatabase*>(self);
        if (db->guard_.internal()) {
            return SQLITE_OK;  // runner's own bookkeeping
        }
        if (!db->guard_.allow(action, a1, a2, schema)) {
            return SQLITE_DENY;
        }
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
                return SQLITE_OK;
        }
        if (table == nullptr || sqlite3_strnicmp(table, "sqlite_", 7) == 0) {
            return SQLITE_OK;  // SQLite's own tables
        }
        ScriptEffects& e = db->effects_;
        if (schema != nullptr && std::strcmp(schema, "main") != 0) {
            // TEMP tables cannot take part in the main schema's foreign keys; an attached
            // database's can, so those make the next check look everywhere.
            e.elsewhere = e.elsewhere || std::strcmp(schema, "temp") != 0;
            return SQLITE_OK;
        }
        std::string name = ascii_lower(table);
        switch (action) {
            case SQLITE_UPDATE:
                if (a2 != nullptr) {
                    e.writes[name].columns.insert(ascii_lower(a2));
                }
                return SQLITE_OK;
            case SQLITE_DELETE:  // also covers a DELETE that skips the row hook (truncation)
                e.writes[name].removed = true;
                return SQLITE_OK;
            case SQLITE_INSERT:
                return SQLITE_OK;  // the rows come to note_row
            case SQLITE_CREATE_TABLE:
                e.created.insert(name);
                break;
            case SQLITE_DROP_TABLE:
                e.dropped.insert(name);
                break;
            case SQLITE_ALTER_TABLE:
                e.altered.insert(name);
                break;
            default:
                break;
        }
        e.ddl.insert(std::move(name));
        return SQLITE_OK;
    }

    // The pre-update hook, while a script runs: notes each row written (triggers' included).
    static void note_row(void* self, sqlite3*, int op, const char* schema, const char* table,
                         sqlite3_int64 old_rowid, sqlite3_int64 new_rowid) {
        auto* db = static_cast<SqliteDatabase*>(self);
        if (db->guard_.internal()) {
            return;  // runner's own bookkeeping
        }
        ScriptEffects& e = db->effects_;
        if (std::strcmp(schema, "main") != 0) {
            e.elsewhere = e.elsewhere || std::strcmp(schema, "temp") != 0;
            return;
        }
        // Statements write row after row to one table: look its entry up once. (By name: a
        // schema reload may give another table the same address.)
        if (db->last_written_ == nullptr || db->last_table_ != table) {
            db->last_table_ = table;
            db->last_written_ = &e.writes[ascii_lower(table)];
        }
        TableWrites& w = *db->last_written_;
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

    // Whether an UPDATE of `columns` of `parent` may change a key other tables reference.
    bool updates_referenced_columns(const std::string& parent,
                                    const std::set<std::string>& columns) {
        if (columns.empty()) {
            return false;
        }
        const auto it = children_->find(parent);
        if (it == children_->end()) {
            return false;
        }
        for (const char* rowid : {"rowid", "oid", "_rowid_"}) {
            if (columns.count(rowid) > 0) {
                return true;
            }
        }
        auto [known, added] = key_columns_.try_emplace(parent);
        std::set<std::string>& keys = known->second;  // "*": the primary key, not named
        if (added) {
            sqlite3_stmt* stmt = cached(
                "SELECT lower(\"to\") FROM pragma_foreign_key_list(?1) "
                "WHERE lower(\"table\") = ?2");
            for (const auto& child : it->second) {
                ResetGuard reset{stmt};
                bind(stmt, 1, child);
                bind(stmt, 2, parent);
                while (step(stmt, "reading the foreign keys of " + child)) {
                    keys.insert(sqlite3_column_type(stmt, 0) == SQLITE_NULL ? std::string("*")
                                                                            : text(stmt, 0));
                }
            }
        }
        if (keys.count("*") > 0) {
            return true;
        }
        return std::any_of(columns.begin(), columns.end(),
                           [&](const std::string& c) { return keys.count(c) > 0; });
    }

    // Whether every row of `child` with one of `rowids` references rows that exist, by a
    // lookup in the referenced table per foreign key: PRAGMA foreign_key_check's verdict on
    // those rows, without reading the whole table. "p.key = +c.col" compares as the foreign
    // key does: with the parent column's affinity applied to the child's value (the unary +
    // strips the child column's own) and the parent column's collation (SQLite only accepts
    // a parent index with that collation). False when unsure: the caller checks the table.
    bool rows_reference_existing_rows(const std::string& child,
                                      const std::vector<sqlite3_int64>& rowids) {
        auto [known, added] = probe_sql_.try_emplace(child);
        std::string& sql = known->second;  // empty: not row by row
        if (added) {
            try {
                sql = row_probe_sql(child);
            } catch (const Error&) {
                sql.clear();
            }
        }
        if (sql.empty()) {
            return false;
        }
        sqlite3_stmt* stmt = nullptr;
        try {
            stmt = cached(sql);
        } catch (const Error&) {
            return false;  // e.g. the referenced table does not exist
        }
        for (const sqlite3_int64 rowid : rowids) {
            ResetGuard reset{stmt};
            sqlite3_bind_int64(stmt, 1, rowid);
            if (step(stmt, "checking the foreign keys of " + child)) {
                return false;
            }
        }
        return true;
    }

    // SELECT that yields a row when the row of `child` with rowid ?1 references a missing
    // row; empty when that cannot be said row by row (WITHOUT ROWID, an unnamed key of a
    // table without a primary key).
    std::string row_probe_sql(const std::string& child) {
        if (table_without_rowid(child).value_or(true)) {
            return {};
        }
        struct Key {
            std::string parent;
            std::vector<std::string> from;
            std::vector<std::string> to;  // empty: the parent's primary key
        };
        std::map<int, Key> keys;
        {
            sqlite3_stmt* stmt = cached(
                "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) "
                "ORDER BY id, seq");
            ResetGuard reset{stmt};
            bind(stmt, 1, child);
            while (step(stmt, "reading the foreign keys of " + child)) {
                Key& k = keys[sqlite3_column_int(stmt, 0)];
                k.parent = text(stmt, 1);
                k.from.push_back(text(stmt, 2));
                if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
                    k.to.push_back(text(stmt, 3));
                }
            }
        }
        std::string any;
        for (auto& [id, k] : keys) {
            if (k.to.empty()) {
                sqlite3_stmt* stmt =
                    cached("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk");
                ResetGuard reset{stmt};
                bind(stmt, 1, k.parent);
                while (step(stmt, "reading the primary key of " + k.parent)) {
                    k.to.push_back(text(stmt, 0));
                }
            }
            if (k.to.size() != k.from.size()) {
                return {};
            }
            std::string present;
            std::string match;
            for (std::size_t i = 0; i < k.from.size(); ++i) {
                const std::string c = "c." + quote_identifier(k.from[i]);
                present += (i > 0 ? " AND " : "") + c + " IS NOT NULL";
                match += (i > 0 ? " AND " : "") + std::string("p.") + quote_identifier(k.to[i]) +
                         " = +" + c;
            }
            any += (any.empty() ? "" : " OR ") + std::string("(") + present +
                   " AND NOT EXISTS (SELECT 1 FROM main." + quote_identifier(k.parent) +
                   " AS p WHERE " + match + "))";
        }
        if (any.empty()) {
            return {};
        }
        return "SELECT 1 FROM main." + quote_identifier(child) + " AS c WHERE c.rowid = ?1 AND (" +
               any + ")";
    }

    void bind(sqlite3_stmt* stmt, int index, const std::string& value) {
        if (sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()),
                              SQLITE_TRANSIENT) != SQLITE_OK) {
            fail("binding a parameter");
        }
    }

    void bind_or_null(sqlite3_stmt* stmt, int index, const std::string& value) {
        if (value.empty()) {
            sqlite3_bind_null(stmt, index);
        } else {
            bind(stmt, index, value);
        }
    }

    static constexpr const char* kNowSql = "strftime('%Y-%m-%d %H:%M:%S', 'now')";

    static std::string quote(const std::string& value) {
        std::string out = "'";
        for (const char c : value) {
            out += c == '\'' ? "''" : std::string(1, c);
        }
        return out + "'";
    }
    static std::string quote_or_null(const std::string& value) {
        return value.empty() ? "NULL" : quote(value);
    }

    std::string log_sql(const LogEntry& e) const {
        return "INSERT INTO " + log_table_ +
               " (at, revision, action, duration_ms, checksum, user, host, detail) VALUES (" +
               kNowSql + ", " + quote(e.revision) + ", " + quote(e.action) + ", 0, " +
               quote_or_null(e.checksum) + ", " + quote_or_null(e.user) + ", " +
               quote_or_null(e.host) + ", " + quote_or_null(e.detail) + ");\n";
    }

    // The bookkeeping tables: applied revisions, the audit log, and (created on first use)
    // failed non-transactional migrations awaiting --resume or `runner resolve`.
    // `qualified`: the tables named in the main schema (a TEMP table may have the same name).
    std::vector<std::string> schema_statements(bool qualified) const {
        const auto& table = qualified ? table_sql_ : table_;
        const auto& log_table = qualified ? log_table_sql_ : log_table_;
        const auto& partial_table = qualified ? partial_table_sql_ : partial_table_;
        return {
            "CREATE TABLE IF NOT EXISTS " + table +
                " (\n"
                "    revision TEXT NOT NULL PRIMARY KEY,\n"
                "    applied_at TEXT NOT NULL,\n"
                "    duration_ms INTEGER NOT NULL DEFAULT 0,\n"
                "    checksum TEXT,\n"
                "    how TEXT NOT NULL DEFAULT 'upgrade'\n"
                ")",
            "CREATE TABLE IF NOT EXISTS " + log_table +
                " (\n"
                "    id INTEGER PRIMARY KEY,\n"
                "    at TEXT NOT NULL,\n"
                "    revision TEXT NOT NULL,\n"
                "    action TEXT NOT NULL,\n"
                "    duration_ms INTEGER NOT NULL DEFAULT 0,\n"
                "    checksum TEXT,\n"
                "    user TEXT,\n"
                "    host TEXT,\n"
                "    detail TEXT\n"
                ")",
            "CREATE TABLE IF NOT EXISTS " + partial_table +
                " (\n"
                "    revision TEXT NOT NULL PRIMARY KEY,\n"
                "    direction TEXT NOT NULL,\n"
                "    statement INTEGER NOT NULL,\n"
                "    line INTEGER NOT NULL,\n"
                "    error TEXT NOT NULL,\n"
                "    at TEXT NOT NULL,\n"
                "    digest TEXT\n"
                ")",
        };
    }

    static std::string text(sqlite3_stmt* stmt, int column) {
        const auto* p = sqlite3_column_text(stmt, column);
        return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
    }

    // Resets a cached statement when the caller is done with it, even on error.
    struct ResetGuard {
        sqlite3_stmt* stmt;
        ~ResetGuard() {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
    };

    // Declared before db_, so released after the connection closes.
    std::unique_ptr<DatabaseFileLock> lock_;  // a writer's exclusive lock
    LockProbe probe_;  // also declared before db_: its descriptors close after the connection
    Connection db_;    // null: a read-only view of a file that does not exist
    std::string path_;
    std::string shown_;
    std::string table_;
    std::string log_table_;
    std::string partial_table_;
    std::string table_sql_;  // the same three as SQL: main."name"
    std::string log_table_sql_;
    std::string partial_table_sql_;
    int lock_timeout_ms_;
    ScriptGuard guard_;  // what the authorizer lets a script do
    std::vector<std::pair<std::string, std::string>> settings_;  // PRAGMA name -> value at start
    bool version_table_checked_ = false;
    bool tables_ready_ = false;  // the bookkeeping tables exist (they are never dropped)
    std::unordered_map<std::string, Statement> cache_;  // destroyed before db_ (declared after)
    std::optional<bool> has_foreign_keys_;              // whether any table declares REFERENCES
    std::optional<bool> partial_table_exists_;
    ScriptEffects effects_;  // what the scripts run since the last foreign key check changed
    // Per table, known until the schema changes: the SQL that checks single rows of it ("":
    // check it whole), and the columns of it that foreign keys reference.
    std::unordered_map<std::string, std::string> probe_sql_;
    std::unordered_map<std::string, std::set<std::string>> key_columns_;
    std::string last_table_;               // note_row's last table, as SQLite spells it
    TableWrites* last_written_ = nullptr;  // and its entry in effects_.writes
    // Lower-case table name -> the tables whose foreign keys reference it, and the reverse.
    std::optional<std::unordered_map<std::string, std::vector<std::string>>> children_;
    std::unordered_map<std::string, std::vector<std::string>> parents_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const SqliteLocation& where, const std::string& shown,
                                      OpenMode mode, const OpenOptions& options) {
    const std::string& path = where.path;
    if (mode == OpenMode::kReadWrite && where.read_only) {
        throw Error("database " + shown +
                    " is opened read-only (mode=ro), and this command writes; drop mode=ro");
    }
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        throw Error("database " + shown + " is a directory, not an SQLite file");
    }
    if (!exists && mode == OpenMode::kReadWrite && (!options.create || where.no_create)) {
        throw Error("no database at " + shown + ", and " +
                    (where.no_create ? std::string("mode=rw")
                                     : std::string("--no-create (or 'create = false')")) +
                    " forbids creating one; check the path, --db or DATABASE_URL");
    }
    if (!exists && mode == OpenMode::kReadOnly) {
        return std::make_unique<SqliteDatabase>(Connection(), path, shown, options.version_table,
                                                nullptr, options.lock_timeout_ms);
    }
    // Every runner that writes holds this lock for as long as it has the database open: one
    // writer at a time, for whole commands, so a non-transactional migration (which commits
    // statement by statement) is never interleaved with another runner's work.
    std::unique_ptr<DatabaseFileLock> lock;
    if (mode == OpenMode::kReadWrite) {
        lock = std::make_unique<DatabaseFileLock>(path, shown, DatabaseFileLock::Kind::kExclusive,
                                                  true, options.lock_timeout_ms);
    }
    // Only this thread uses SQLite (a helper thread only hashes files), so its mutexes and
    // allocation statistics are pure overhead: one lock per malloc. Must precede first use.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)configured;
    // A run killed mid-migration leaves a "hot" rollback journal. Only a read-write connection
    // can roll it back (restoring the last committed state), so even read-only commands open
    // read-write then; they still never create the file or write anything themselves.
    struct stat journal {};
    const bool hot_journal =
        ::stat((path + "-journal").c_str(), &journal) == 0 && journal.st_size > 0;
    int flags = SQLITE_OPEN_NOMUTEX;
    if (mode == OpenMode::kReadWrite) {
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    } else {
        flags |= hot_journal && !where.read_only ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    }
    std::string name = path;
    if (!where.query.empty()) {
        // A URI filename carries the parameters; the path is escaped so it reads back as is.
        name = "file:";
        for (const char c : path) {
            if (c == '%' || c == '?' || c == '#') {
                static constexpr char kHex[] = "0123456789ABCDEF";
                name += '%';
                name += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
                name += kHex[static_cast<unsigned char>(c) & 0xf];
            } else {
                name += c;
            }
        }
        name += "?" + where.query;
        flags |= SQLITE_OPEN_URI;
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    Connection db(raw);  // owns the handle even when opening failed
    if (rc != SQLITE_OK) {
        const std::string why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
        throw Error("cannot open database " + shown + ": " + why);
    }
    sqlite3_extended_result_codes(db.get(), 1);
    sqlite3_busy_timeout(db.get(), options.lock_timeout_ms);
    // Migrations that rebuild tables must not fire cascades: foreign keys stay off while they run
    // (and are checked with PRAGMA foreign_key_check before each commit instead).
    sqlite3_exec(db.get(), "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr);
    return std::make_unique<SqliteDatabase>(std::move(db), path, shown, options.version_table,
                                            std::move(lock), options.lock_timeout_ms);
}

}  // namespace runner
