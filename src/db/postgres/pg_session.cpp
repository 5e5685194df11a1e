// libpq connection, runner's own statements and queries, and migration statements with their
// errors mapped to file:line. The only file besides pg_handles.hpp's users that calls libpq.
#include "db/postgres/pg_session.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "db/connection.hpp"
#include "db/postgres/pg_handles.hpp"
#include "db/postgres/pg_url.hpp"
#include "util/error.hpp"

namespace runner {

namespace {

// libpq's functions; every caller holds a connection, so libpq is loaded (see PgSession's
// constructor, which loads it).
const pg::LibPq& pq() {
    return pg::loaded_libpq();
}

// libpq's messages: several lines ("...failed: FATAL:  ...\n\tIs the server running...?\n")
// joined into one, whitespace runs collapsed.
std::string one_line(std::string_view text) {
    std::string out;
    bool space = false;
    for (const char c : text) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += c;
    }
    return out;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
    if (what.empty()) {
        return;
    }
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + with.size())) {
        text.replace(p, what.size(), with);
    }
}

std::string field(const PGresult* result, int code) {
    const char* value = pq().PQresultErrorField(result, code);
    return value == nullptr ? std::string() : one_line(value);
}

PgServerError server_error(PGconn* conn, const PGresult* result) {
    PgServerError error;
    if (result != nullptr) {
        error.sqlstate = field(result, PG_DIAG_SQLSTATE);
        error.message = field(result, PG_DIAG_MESSAGE_PRIMARY);
        error.detail = field(result, PG_DIAG_MESSAGE_DETAIL);
        error.hint = field(result, PG_DIAG_MESSAGE_HINT);
        const auto position = field(result, PG_DIAG_STATEMENT_POSITION);
        error.position = position.empty() ? 0 : std::atoi(position.c_str());
    }
    if (error.message.empty()) {
        error.message = one_line(result != nullptr ? pq().PQresultErrorMessage(result) : "");
    }
    if (error.message.empty()) {
        error.message = one_line(pq().PQerrorMessage(conn));
    }
    if (error.message.empty()) {
        error.message = "the server sent no result (out of memory?)";
    }
    if (error.sqlstate.empty() && pq().PQstatus(conn) == CONNECTION_BAD) {
        error.sqlstate = "08006";  // connection_failure
    }
    return error;
}

bool succeeded(const PGresult* result) {
    if (result == nullptr) {
        return false;
    }
    const auto status = pq().PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

// libpq's parameter arrays for `params`.
struct ParamArrays {
    explicit ParamArrays(const PgParams& params) {
        values.reserve(params.size());
        for (const auto& p : params) {
            values.push_back(p ? p->c_str() : nullptr);
        }
    }
    std::vector<const char*> values;
};

// Everything `conn` still has to say after a command (COPY data, further results), discarded.
void drain(PGconn* conn) {
    for (;;) {
        pg::ResultHandle result(pq().PQgetResult(conn));
        if (!result) {
            return;
        }
        if (pq().PQresultStatus(result.get()) == PGRES_COPY_OUT) {
            char* buffer = nullptr;
            while (pq().PQgetCopyData(conn, &buffer, 0) > 0) {
                pq().PQfreemem(buffer);
            }
        } else if (pq().PQresultStatus(result.get()) == PGRES_COPY_IN) {
            pq().PQputCopyEnd(conn, "runner sends no COPY data");
        }
    }
}

std::size_t char_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return std::min(n, s.size() - i);
}

}  // namespace

std::string PgServerError::describe() const {
    std::string out = message;
    if (!sqlstate.empty()) {
        out += " (SQLSTATE " + sqlstate + ")";
    }
    if (!detail.empty()) {
        out += "; DETAIL: " + detail;
    }
    if (!hint.empty()) {
        out += "; HINT: " + hint;
    }
    return out;
}

void PgSession::Closer::operator()(pg_conn* conn) const noexcept {
    pq().PQfinish(conn);
}

PgSession::PgSession(const std::string& url, std::string shown, const std::string& database)
    : shown_(std::move(shown)) {
    pg::libpq(shown_);  // loads libpq, or says in one line why it cannot
    const std::string conninfo = libpq_conninfo(url);
    // The URL or keyword string is expanded in place of dbname: what it says overrides the
    // defaults before it, and the settings after it override what it says.
    std::vector<const char*> keys;
    std::vector<const char*> values;
    if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
        keys.push_back("connect_timeout");
        values.push_back("10");
    }
    keys.push_back("dbname");
    values.push_back(conninfo.c_str());
    if (!database.empty()) {
        keys.push_back("dbname");  // a later dbname is a plain name, never expanded
        values.push_back(database.c_str());
    }
    keys.push_back("fallback_application_name");
    values.push_back("runner");
    // Migration files are UTF-8, and error positions count UTF-8 characters.
    keys.push_back("client_encoding");
    values.push_back("UTF8");
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(pq().PQconnectdbParams(keys.data(), values.data(), 1));
    if (!conn_) {
        throw DatabaseError("cannot connect to " + shown_ + ": out of memory", "08001");
    }
    if (pq().PQstatus(conn_.get()) != CONNECTION_OK) {
        std::string why = one_line(pq().PQerrorMessage(conn_.get()));
        // libpq does not repeat passwords, but a malformed URL is quoted back: scrub what the
        // user wrote, raw and decoded, and what libpq used.
        replace_all(why, written_password(url), "***");
        replace_all(why, percent_decoded_password(url), "***");
        // libpq may split a password holding '@' or '/' differently than runner does, and quote
        // a piece of it back as a host name: scrub each such piece too.
        for (const auto& written : {written_password(url), percent_decoded_password(url)}) {
            std::size_t from = 0;
            while (from <= written.size()) {
                const auto end = std::min(written.find_first_of("@/?#:", from), written.size());
                if (end - from >= 3) {
                    replace_all(why, written.substr(from, end - from), "***");
                }
                from = end + 1;
            }
        }
        if (const char* used = pq().PQpass(conn_.get()); used != nullptr) {
            replace_all(why, used, "***");
        }
        throw DatabaseError("cannot connect to " + shown_ + ": " + why, "08001");
    }
    pq().PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
}

PgSession::~PgSession() = default;

void PgSession::exec(std::string_view sql, std::string_view doing) {
    pg::ResultHandle result(pq().PQexec(conn_.get(), std::string(sql).c_str()));
    if (!succeeded(result.get())) {
        const auto error = server_error(conn_.get(), result.get());
        result.reset();
        drain(conn_.get());
        throw DatabaseError(shown_ + ": " + std::string(doing) + ": " + error.describe(),
                            error.sqlstate);
    }
}

std::int64_t PgSession::execute(std::string_view sql, const PgParams& params,
                                std::string_view doing) {
    ParamArrays arrays(params);
    pg::ResultHandle result(pq().PQexecParams(conn_.get(), std::string(sql).c_str(),
                                              static_cast<int>(params.size()), nullptr,
                                              arrays.values.data(), nullptr, nullptr, 0));
    if (!succeeded(result.get())) {
        const auto error = server_error(conn_.get(), result.get());
        throw DatabaseError(shown_ + ": " + std::string(doing) + ": " + error.describe(),
                            error.sqlstate);
    }
    const char* tuples = pq().PQcmdTuples(result.get());
    return tuples[0] == '\0' ? 0 : std::atoll(tuples);
}

std::vector<std::int64_t> PgSession::execute_batch(const std::vector<BatchItem>& items) {
    std::vector<std::int64_t> changed(items.size(), 0);
    PGconn* conn = conn_.get();
    if (items.size() < 2 || pq().PQenterPipelineMode == nullptr ||
        pq().PQenterPipelineMode(conn) != 1) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            changed[i] = execute(items[i].sql, items[i].params, items[i].doing);
        }
        return changed;
    }
    std::size_t sent = 0;
    int syncs = 0;
    bool flushed = true;
    for (; sent < items.size(); ++sent) {
        const auto& item = items[sent];
        const ParamArrays arrays(item.params);  // libpq copies the values while sending
        if (pq().PQsendQueryParams(conn, std::string(item.sql).c_str(),
                                   static_cast<int>(item.params.size()), nullptr,
                                   arrays.values.data(), nullptr, nullptr, 0) != 1) {
            break;
        }
        if (item.separately || sent + 1 == items.size()) {
            flushed = pq().PQpipelineSync(conn) == 1;
            if (!flushed) {
                break;
            }
            ++syncs;
        }
    }
    if (flushed && sent < items.size()) {
        flushed = pq().PQpipelineSync(conn) == 1;  // ends what was sent before the failure
        syncs += flushed ? 1 : 0;
    }
    // Every result up to the last sync point is read, also after a failure (the statements
    // after it up to its sync point come back aborted), so the connection leaves pipeline mode
    // clean.
    std::optional<PgServerError> error;
    std::size_t failed = 0;
    std::size_t query = 0;
    const int limit = 4 * static_cast<int>(items.size()) + 4 * syncs + 4;
    for (int guard = 0; syncs > 0 && guard < limit; ++guard) {
        pg::ResultHandle result(pq().PQgetResult(conn));
        if (!result) {
            if (pq().PQstatus(conn) == CONNECTION_BAD) {
                break;
            }
            ++query;  // the end of one statement's results
            continue;
        }
        const auto status = pq().PQresultStatus(result.get());
        if (status == PGRES_PIPELINE_SYNC) {
            --syncs;
        } else if (status == PGRES_COMMAND_OK && query < items.size()) {
            const char* tuples = pq().PQcmdTuples(result.get());
            changed[query] = tuples[0] == '\0' ? 0 : std::atoll(tuples);
        } else if (status != PGRES_PIPELINE_ABORTED && !succeeded(result.get()) && !error) {
            error = server_error(conn, result.get());
            failed = std::min(query, items.size() - 1);
        }
    }
    pq().PQexitPipelineMode(conn);
    if (!error && (sent < items.size() || syncs != 0)) {
        error = server_error(conn, nullptr);
        failed = std::min(sent, items.size() - 1);
    }
    if (error) {
        throw DatabaseError(
            shown_ + ": " + std::string(items[failed].doing) + ": " + error->describe(),
            error->sqlstate);
    }
    return changed;
}

std::vector<PgRow> PgSession::query(std::string_view sql, const PgParams& params,
                                    std::string_view doing) {
    ParamArrays arrays(params);
    pg::ResultHandle result(pq().PQexecParams(conn_.get(), std::string(sql).c_str(),
                                              static_cast<int>(params.size()), nullptr,
                                              arrays.values.data(), nullptr, nullptr, 0));
    if (!succeeded(result.get())) {
        const auto error = server_error(conn_.get(), result.get());
        throw DatabaseError(shown_ + ": " + std::string(doing) + ": " + error.describe(),
                            error.sqlstate);
    }
    std::vector<PgRow> rows;
    const int n = pq().PQntuples(result.get());
    const int columns = pq().PQnfields(result.get());
    rows.reserve(static_cast<std::size_t>(n));
    // timestamp and timestamptz (type OIDs 1114, 1184) read without fractions and zone.
    std::vector<bool> timestamp(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
        const auto type = pq().PQftype(result.get(), c);
        timestamp[static_cast<std::size_t>(c)] = type == 1114 || type == 1184;
    }
    for (int r = 0; r < n; ++r) {
        PgRow row;
        row.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (pq().PQgetisnull(result.get(), r, c)) {
                row.emplace_back(std::nullopt);
            } else {
                std::string value(pq().PQgetvalue(result.get(), r, c),
                                  static_cast<std::size_t>(pq().PQgetlength(result.get(), r, c)));
                if (timestamp[static_cast<std::size_t>(c)] && value.size() > 19) {
                    value.resize(19);
                }
                row.emplace_back(std::move(value));
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<std::string> PgSession::scalar(std::string_view sql, const PgParams& params,
                                             std::string_view doing) {
    auto rows = query(sql, params, doing);
    if (rows.empty() || rows.front().empty()) {
        return std::nullopt;
    }
    return std::move(rows.front().front());
}

void PgSession::run_statement(const PgStatement& statement, const std::string& origin, int index) {
    if (statement.kind == PgStatementKind::kCopyFromStdin ||
        statement.kind == PgStatementKind::kCopyData) {
        throw RefusedStatementError(
            origin, statement.line,
            "COPY ... FROM STDIN is refused: runner sends SQL only, not the data lines after "
            "it; load data with INSERT statements, or COPY FROM a file the server can read",
            pg_statement_excerpt(statement, 0), index);
    }
    if (statement.kind == PgStatementKind::kMetaCommand) {
        throw RefusedStatementError(
            origin, statement.line,
            "psql meta-command refused: runner sends SQL to the server, and backslash commands "
            "are psql's own",
            pg_statement_excerpt(statement, 0), index);
    }
    pg::ResultHandle result(pq().PQexec(conn_.get(), statement.text.c_str()));
    if (result && pq().PQresultStatus(result.get()) == PGRES_COPY_OUT) {
        result.reset();
        drain(conn_.get());
        return;
    }
    if (!succeeded(result.get())) {
        const auto error = server_error(conn_.get(), result.get());
        result.reset();
        drain(conn_.get());
        int line = statement.line;
        if (error.position > 0) {
            if (const auto where = pg_error_location(statement, error.position)) {
                line = where->line;
            }
        }
        throw StatementError(origin, line, error.describe(),
                             pg_statement_excerpt(statement, error.position), index,
                             error.sqlstate);
    }
}

bool PgSession::transaction_failed() const {
    return pq().PQtransactionStatus(conn_.get()) == PQTRANS_INERROR;
}

bool PgSession::in_transaction() const {
    const auto status = pq().PQtransactionStatus(conn_.get());
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

std::string pg_statement_excerpt(const PgStatement& statement, int position) {
    const std::string_view text = statement.text;
    int target_line = statement.line;
    int target_column = statement.column;
    if (position > 0) {
        if (const auto where = pg_error_location(statement, position)) {
            target_line = where->line;
            target_column = where->column;
        } else {
            position = 0;
        }
    }
    // Find the start of target_line within the text (lines end at LF, CRLF or a lone CR).
    std::size_t start = 0;
    int line = statement.line;
    for (std::size_t i = 0; i < text.size() && line < target_line; ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
            start = i + 1;
        }
    }
    const int first_column = line == statement.line ? statement.column : 1;
    std::string shown;
    int caret = -1;
    int column = first_column;
    for (std::size_t i = start; i < text.size() && text[i] != '\n' && text[i] != '\r';) {
        if (column == target_column) {
            caret = column - first_column;
        }
        if (shown.size() >= 120) {
            shown += "...";
            break;
        }
        const auto n = char_length(text, i);
        shown += text[i] == '\t' ? std::string(" ") : std::string(text.substr(i, n));
        i += n;
        ++column;
    }
    if (caret < 0 && column == target_column) {
        caret = column - first_column;  // one past the end of the line
    }
    if (position > 0 && caret >= 0) {
        shown += "\n    " + std::string(static_cast<std::size_t>(caret), ' ') + "^";
    }
    return shown;
}

}  // namespace runner
