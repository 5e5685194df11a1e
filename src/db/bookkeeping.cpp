// Runner's bookkeeping, written once on Connection and Dialect; see bookkeeping.hpp.
#include "db/bookkeeping.hpp"

#include <algorithm>

namespace runner {
namespace {

SqlParam text_or_null(const std::string& value) {
    if (value.empty()) {
        return nullptr;
    }
    return std::string_view(value);
}

const std::string& text(const SqlRow& row, std::size_t column) {
    static const std::string kEmpty;
    return row.at(column) ? *row[column] : kEmpty;
}

std::int64_t integer(const SqlRow& row, std::size_t column) {
    return row.at(column) ? std::stoll(*row[column]) : 0;
}

}  // namespace

Bookkeeping::Bookkeeping(Connection& connection, const std::string& version_table)
    : db_(connection), dialect_(connection.dialect()), tables_(version_table) {}

bool Bookkeeping::table_exists(const std::string& name) {
    return !db_.query(dialect_.table_exists_query(), {std::string_view(name)},
                      "looking for the table " + name)
                .empty();
}

std::vector<std::string> Bookkeeping::columns(const std::string& table) {
    std::vector<std::string> out;
    for (const auto& row : db_.query(dialect_.table_columns_query(), {std::string_view(table)},
                                     "reading the columns of " + table)) {
        out.push_back(text(row, 0));
    }
    return out;
}

bool Bookkeeping::exists() {
    return db_.exists() && table_exists(tables_.version) && table_exists(tables_.log);
}

// Throws when a table of the version table's name is not runner's (Alembic's alembic_version,
// an application table), instead of failing on its columns.
bool Bookkeeping::version_table_exists() {
    if (!table_exists(tables_.version)) {
        return false;
    }
    if (version_table_checked_) {
        return true;
    }
    const auto found = columns(tables_.version);
    for (const char* needed : {"revision", "applied_at", "duration_ms", "checksum", "how"}) {
        if (std::find(found.begin(), found.end(), needed) != found.end()) {
            continue;
        }
        const std::string& table = tables_.version;
        if (found == std::vector<std::string>{"version_num"}) {
            throw Error("the table " + table + " in " + db_.describe() +
                        " is Alembic's version table, not runner's; set version_table (or "
                        "drop that setting) to a table runner owns, such as runner_version "
                        "(adopting an Alembic database is planned, not supported yet)");
        }
        std::string shown_columns;
        for (const auto& c : found) {
            shown_columns += (shown_columns.empty() ? "" : ", ") + c;
        }
        throw Error("the table " + table + " in " + db_.describe() +
                    " is not a runner version table (its columns are " + shown_columns +
                    "); set version_table to a name no other table uses, such as "
                    "runner_version");
    }
    version_table_checked_ = true;
    return true;
}

bool Bookkeeping::has_digest_column() {
    const auto found = columns(tables_.partial);
    return std::find(found.begin(), found.end(), "digest") != found.end();
}

std::vector<AppliedRecord> Bookkeeping::applied() {
    std::vector<AppliedRecord> out;
    if (!db_.exists() || !version_table_exists()) {
        return out;
    }
    const auto rows = db_.query(
        "SELECT revision, applied_at, duration_ms, COALESCE(checksum, ''), how FROM " +
            dialect_.table(tables_.version) + " ORDER BY applied_at, " + dialect_.insertion_order(),
        {}, "reading the version table " + tables_.version);
    out.reserve(rows.size());
    for (const auto& row : rows) {
        out.push_back(
            AppliedRecord{text(row, 0), text(row, 1), integer(row, 2), text(row, 3), text(row, 4)});
    }
    return out;
}

void Bookkeeping::ensure_tables() {
    if (tables_ready_ || (version_table_exists() && table_exists(tables_.log))) {
        tables_ready_ = true;
        return;
    }
    const auto ddl = dialect_.bookkeeping_ddl(tables_, true);
    for (std::size_t i = 0; i < 2; ++i) {
        db_.execute(ddl[i], {},
                    "creating the bookkeeping tables " + tables_.version + " and " + tables_.log);
    }
    tables_ready_ = true;
}

bool Bookkeeping::is_applied(const std::string& revision) {
    return !applied_among({revision}).empty();
}

std::vector<std::string> Bookkeeping::applied_among(const std::vector<std::string>& revisions) {
    std::vector<std::string> out;
    if (revisions.empty() || !db_.exists() || !(tables_ready_ || version_table_exists())) {
        return out;
    }
    std::string sql =
        "SELECT revision FROM " + dialect_.table(tables_.version) + " WHERE revision IN (";
    SqlParams params;
    params.reserve(revisions.size());
    for (const auto& r : revisions) {
        sql +=
            (params.empty() ? "" : ", ") + dialect_.parameter(static_cast<int>(params.size()) + 1);
        params.emplace_back(std::string_view(r));
    }
    for (const auto& row :
         db_.query(sql + ")", params, "reading the version table " + tables_.version)) {
        out.push_back(text(row, 0));
    }
    return out;
}

BatchStatement Bookkeeping::insert_applied_write(const AppliedRecord& r) const {
    const auto& d = dialect_;
    return {"INSERT INTO " + d.table(tables_.version) +
                " (revision, applied_at, duration_ms, checksum, how) VALUES (" + d.parameter(1) +
                ", " + d.parameter(2) + ", " + d.parameter(3) + ", " + d.parameter(4) + ", " +
                d.parameter(5) + ")",
            {std::string_view(r.revision), std::string_view(r.applied_at), r.duration_ms,
             text_or_null(r.checksum), std::string_view(r.how)},
            "recording revision " + r.revision + " in " + tables_.version};
}

void Bookkeeping::insert_applied(const AppliedRecord& r) {
    run(insert_applied_write(r));
}

BatchStatement Bookkeeping::delete_applied_write(const std::string& revision) const {
    return {"DELETE FROM " + dialect_.table(tables_.version) +
                " WHERE revision = " + dialect_.parameter(1),
            {std::string_view(revision)},
            "removing revision " + revision + " from " + tables_.version};
}

void Bookkeeping::check_deleted(const std::string& revision, std::int64_t changed) const {
    if (changed != 1) {
        throw Error("expected revision " + revision + " in " + tables_.version +
                    " but it was not there; another runner may have changed the database");
    }
}

void Bookkeeping::delete_applied(const std::string& revision) {
    check_deleted(revision, run(delete_applied_write(revision)));
}

std::int64_t Bookkeeping::run(const BatchStatement& s) {
    return db_.execute(s.sql, s.params, s.doing);
}

void Bookkeeping::record_step(const LogEntry& entry, const AppliedRecord* applied,
                              const std::optional<std::pair<LogEntry, std::int64_t>>& correction) {
    std::vector<BatchStatement> batch;
    if (correction) {
        correction_writes(correction->first, correction->second, batch);
    }
    const std::size_t version_change = batch.size();
    batch.push_back(applied != nullptr ? insert_applied_write(*applied)
                                       : delete_applied_write(entry.revision));
    batch.push_back(log_write(entry));
    if (auto clear = clear_partial_write(entry.revision)) {
        batch.push_back(std::move(*clear));
    }
    const auto changed = db_.execute_batch(batch);
    if (applied == nullptr) {
        check_deleted(entry.revision, changed.at(version_change));
    }
}

void Bookkeeping::delete_all_applied() {
    if (version_table_exists()) {
        db_.execute("DELETE FROM " + dialect_.table(tables_.version), {},
                    "clearing " + tables_.version);
    }
}

void Bookkeeping::update_checksum(const std::string& revision, const std::string& checksum) {
    const auto changed = db_.execute("UPDATE " + dialect_.table(tables_.version) +
                                         " SET checksum = " + dialect_.parameter(1) +
                                         " WHERE revision = " + dialect_.parameter(2),
                                     {std::string_view(checksum), std::string_view(revision)},
                                     "updating the checksum of " + revision);
    if (changed != 1) {
        throw Error("revision " + revision + " is not recorded as applied in " + db_.describe());
    }
}

std::optional<std::vector<std::string>> Bookkeeping::alembic_versions(const std::string& table) {
    if (!db_.exists() || !table_exists(table)) {
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& row :
         db_.query("SELECT version_num FROM " + dialect_.table(table) + " ORDER BY version_num", {},
                   "reading Alembic's version table " + table)) {
        out.push_back(text(row, 0));
    }
    return out;
}

void Bookkeeping::drop_alembic_table(const std::string& table) {
    db_.execute("DROP TABLE " + dialect_.table(table), {}, "dropping Alembic's table " + table);
}

void Bookkeeping::correction_writes(const LogEntry& e, std::int64_t ms,
                                    std::vector<BatchStatement>& out) const {
    // The rows this run wrote: same revision, action, time and duration (another run may have
    // logged the same revision since).
    const auto& d = dialect_;
    const std::string doing = "recording the duration of " + e.revision;
    out.push_back({"UPDATE " + d.table(tables_.log) + " SET duration_ms = " + d.parameter(1) +
                       " WHERE revision = " + d.parameter(2) + " AND at = " + d.parameter(3) +
                       " AND duration_ms = " + d.parameter(4) + " AND action = " + d.parameter(5),
                   {ms, std::string_view(e.revision), std::string_view(e.at), e.duration_ms,
                    std::string_view(e.action)},
                   doing});
    if (e.action == "upgrade") {
        out.push_back(
            {"UPDATE " + d.table(tables_.version) + " SET duration_ms = " + d.parameter(1) +
                 " WHERE revision = " + d.parameter(2) + " AND applied_at = " + d.parameter(3) +
                 " AND duration_ms = " + d.parameter(4),
             {ms, std::string_view(e.revision), std::string_view(e.at), e.duration_ms},
             doing});
    }
}

void Bookkeeping::correct_duration(const LogEntry& e, std::int64_t ms) {
    std::vector<BatchStatement> batch;
    correction_writes(e, ms, batch);
    db_.execute_batch(batch);
}

std::vector<LogEntry> Bookkeeping::log() {
    std::vector<LogEntry> out;
    if (!db_.exists() || !table_exists(tables_.log)) {
        return out;
    }
    const auto rows = db_.query(
        "SELECT at, revision, action, duration_ms, COALESCE(checksum, ''), COALESCE(" +
            dialect_.identifier("user") + ", ''), COALESCE(host, ''), COALESCE(detail, '') FROM " +
            dialect_.table(tables_.log) + " ORDER BY id",
        {}, "reading the audit log " + tables_.log);
    out.reserve(rows.size());
    for (const auto& row : rows) {
        out.push_back(LogEntry{text(row, 0), text(row, 1), text(row, 2), integer(row, 3),
                               text(row, 4), text(row, 5), text(row, 6), text(row, 7)});
    }
    return out;
}

BatchStatement Bookkeeping::log_write(const LogEntry& e) const {
    const auto& d = dialect_;
    std::string values;
    for (int i = 1; i <= 8; ++i) {
        values += (i > 1 ? ", " : "") + d.parameter(i);
    }
    return {"INSERT INTO " + d.table(tables_.log) +
                " (at, revision, action, duration_ms, checksum, " + d.identifier("user") +
                ", host, detail) VALUES (" + values + ")",
            {std::string_view(e.at), std::string_view(e.revision), std::string_view(e.action),
             e.duration_ms, text_or_null(e.checksum), text_or_null(e.user), text_or_null(e.host),
             text_or_null(e.detail)},
            "writing the audit log " + tables_.log};
}

void Bookkeeping::append_log(const LogEntry& e) {
    run(log_write(e));
}

std::vector<PartialRecord> Bookkeeping::partials() {
    std::vector<PartialRecord> out;
    if (!db_.exists() || !table_exists(tables_.partial)) {
        return out;
    }
    const bool digest = has_digest_column();
    const auto rows = db_.query("SELECT revision, direction, statement, line, error, at, " +
                                    std::string(digest ? "COALESCE(digest, '')" : "''") + " FROM " +
                                    dialect_.table(tables_.partial) + " ORDER BY at, revision",
                                {}, "reading " + tables_.partial);
    for (const auto& row : rows) {
        out.push_back(PartialRecord{text(row, 0), text(row, 1), static_cast<int>(integer(row, 2)),
                                    static_cast<int>(integer(row, 3)), text(row, 4), text(row, 5),
                                    text(row, 6)});
    }
    return out;
}

void Bookkeeping::set_partial(const PartialRecord& p) {
    // Created only when a non-transactional migration first stops part-way.
    if (!partial_table_exists_) {
        partial_table_exists_ = table_exists(tables_.partial);
    }
    if (!*partial_table_exists_) {
        db_.execute(dialect_.bookkeeping_ddl(tables_, true)[2], {}, "creating " + tables_.partial);
        partial_table_exists_ = true;
        partial_table_created_ = true;
    }
    if (!has_digest_column()) {  // a table from before runner recorded digests
        db_.execute("ALTER TABLE " + dialect_.table(tables_.partial) + " ADD COLUMN digest TEXT",
                    {}, "adding the digest column to " + tables_.partial);
    }
    db_.execute(
        dialect_.upsert(dialect_.table(tables_.partial),
                        {"revision", "direction", "statement", "line", "error", "at", "digest"},
                        "revision"),
        {std::string_view(p.revision), std::string_view(p.direction), std::int64_t{p.statement},
         std::int64_t{p.line}, std::string_view(p.error), std::string_view(p.at),
         text_or_null(p.digest)},
        "recording the progress of " + p.revision);
}

std::optional<BatchStatement> Bookkeeping::clear_partial_write(const std::string& revision) {
    // Looked up once per connection, not once per step.
    if (!partial_table_exists_) {
        partial_table_exists_ = table_exists(tables_.partial);
    }
    if (!*partial_table_exists_) {
        return std::nullopt;
    }
    return BatchStatement{"DELETE FROM " + dialect_.table(tables_.partial) +
                              " WHERE revision = " + dialect_.parameter(1),
                          {std::string_view(revision)},
                          "clearing the failed-statement record of " + revision};
}

void Bookkeeping::clear_partial(const std::string& revision) {
    if (auto clear = clear_partial_write(revision)) {
        run(*clear);
    }
}

void Bookkeeping::drop_partial_table_if_new_and_empty() {
    if (!partial_table_created_ || !partials().empty()) {
        return;
    }
    db_.execute("DROP TABLE " + dialect_.table(tables_.partial), {},
                "dropping " + tables_.partial + " again");
    partial_table_exists_ = false;
    partial_table_created_ = false;
}

std::string Bookkeeping::schema_sql() const {
    std::string out;
    for (const auto& ddl : dialect_.bookkeeping_ddl(tables_, false)) {
        out += ddl + ";\n";
    }
    return out;
}

namespace {

std::string literal_or_null(const Dialect& d, const std::string& value) {
    return value.empty() ? "NULL" : d.quote_literal(value);
}

}  // namespace

std::string Bookkeeping::log_sql(const LogEntry& e) const {
    const auto& d = dialect_;
    return "INSERT INTO " + d.offline_table(tables_.log) +
           " (at, revision, action, duration_ms, checksum, " + d.identifier("user") +
           ", host, detail) VALUES (" + d.now() + ", " + d.quote_literal(e.revision) + ", " +
           d.quote_literal(e.action) + ", 0, " + literal_or_null(d, e.checksum) + ", " +
           literal_or_null(d, e.user) + ", " + literal_or_null(d, e.host) + ", " +
           literal_or_null(d, e.detail) + ");\n";
}

std::string Bookkeeping::record_applied_sql(const AppliedRecord& r, const LogEntry& e) const {
    const auto& d = dialect_;
    return "INSERT INTO " + d.offline_table(tables_.version) +
           " (revision, applied_at, duration_ms, checksum, how) VALUES (" +
           d.quote_literal(r.revision) + ", " + d.now() + ", 0, " + literal_or_null(d, r.checksum) +
           ", " + d.quote_literal(r.how) + ");\n" + log_sql(e);
}

std::string Bookkeeping::remove_applied_sql(const std::string& revision, const LogEntry& e) const {
    const auto& d = dialect_;
    return "DELETE FROM " + d.offline_table(tables_.version) +
           " WHERE revision = " + d.quote_literal(revision) + ";\n" + log_sql(e);
}

}  // namespace runner
