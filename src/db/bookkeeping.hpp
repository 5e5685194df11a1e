// Runner's bookkeeping in a database, the same for every backend: the version table (applied
// revisions), the audit log, and the record of non-transactional migrations that stopped
// part-way. Written once on Connection and Dialect; also the same bookkeeping as SQL text for
// offline scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.hpp"
#include "db/dialect.hpp"

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

class Bookkeeping {
  public:
    // `version_table`: a plain identifier (open_connection checked it).
    Bookkeeping(Connection& connection, const std::string& version_table);
    Bookkeeping(const Bookkeeping&) = delete;
    Bookkeeping& operator=(const Bookkeeping&) = delete;

    Connection& connection() { return db_; }
    const BookkeepingTables& tables() const { return tables_; }

    // Whether runner's bookkeeping tables exist (runner has recorded something here before).
    bool exists();
    // Applied revisions, oldest first; empty when the version table does not exist. Throws when
    // a table of that name is not runner's.
    std::vector<AppliedRecord> applied();
    // Creates the version table and the audit log when missing (inside the current transaction).
    void ensure_tables();
    // Whether the version table records `revision` (false when there is no table).
    bool is_applied(const std::string& revision);
    // Those of `revisions` the version table records (one query), in no particular order.
    std::vector<std::string> applied_among(const std::vector<std::string>& revisions);
    void insert_applied(const AppliedRecord& record);
    // Throws when `revision` is not recorded (another runner changed the database).
    void delete_applied(const std::string& revision);
    void delete_all_applied();
    void update_checksum(const std::string& revision, const std::string& checksum);

    // Alembic's version table `table` (a plain identifier): its version_num values, or nullopt
    // when there is no such table. `runner adopt` takes over from them.
    std::optional<std::vector<std::string>> alembic_versions(const std::string& table);
    // Drops that table (inside the current transaction).
    void drop_alembic_table(const std::string& table);

    // Replaces the duration recorded by the step `entry` logged (its audit-log row and, for an
    // upgrade, its version-table row) with `ms`: the duration measured once its commit was done.
    void correct_duration(const LogEntry& entry, std::int64_t ms);

    // The bookkeeping of one migration step, handed to the database together (one round trip
    // where the backend can): `correction` (the previous step's duration, as correct_duration
    // writes it), the version-table change (an upgrade inserts `applied`; with null, a downgrade
    // removes entry.revision and throws as delete_applied does when it was not there), the
    // audit-log `entry`, and clearing the revision's partial record.
    void record_step(const LogEntry& entry, const AppliedRecord* applied,
                     const std::optional<std::pair<LogEntry, std::int64_t>>& correction);

    // The audit log, oldest first (empty when there is none).
    std::vector<LogEntry> log();
    void append_log(const LogEntry& entry);

    // Non-transactional migrations that stopped part-way.
    std::vector<PartialRecord> partials();
    void set_partial(const PartialRecord& record);
    void clear_partial(const std::string& revision);
    // Drops the record table again when this connection created it and it holds no record: a
    // non-transactional migration that failed at its first statement left nothing to resume,
    // and the database is as it was before (inside the current transaction).
    void drop_partial_table_if_new_and_empty();

    // The same bookkeeping as SQL text, for offline scripts: the tables' DDL, and the
    // statements that record or remove one applied revision together with its audit-log entry.
    std::string schema_sql() const;
    std::string record_applied_sql(const AppliedRecord& record, const LogEntry& entry) const;
    std::string remove_applied_sql(const std::string& revision, const LogEntry& entry) const;

  private:
    bool table_exists(const std::string& name);
    std::vector<std::string> columns(const std::string& table);
    bool version_table_exists();
    bool has_digest_column();
    std::string log_sql(const LogEntry& entry) const;
    // The statements the writes above run (parameters view their arguments).
    BatchStatement insert_applied_write(const AppliedRecord& record) const;
    BatchStatement delete_applied_write(const std::string& revision) const;
    void check_deleted(const std::string& revision, std::int64_t changed) const;
    void correction_writes(const LogEntry& entry, std::int64_t ms,
                           std::vector<BatchStatement>& out) const;
    BatchStatement log_write(const LogEntry& entry) const;
    std::optional<BatchStatement> clear_partial_write(const std::string& revision);
    std::int64_t run(const BatchStatement& statement);

    Connection& db_;
    const Dialect& dialect_;
    BookkeepingTables tables_;
    bool version_table_checked_ = false;
    bool tables_ready_ = false;  // the version table and the log exist (they are never dropped)
    std::optional<bool> partial_table_exists_;
    bool partial_table_created_ = false;  // by this connection, in set_partial
};

}  // namespace runner
